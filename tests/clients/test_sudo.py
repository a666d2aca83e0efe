"""An operator runs sudo, whose PAM stack is the shipped conf/pam.d/sudo,
against the AWS emulator.  sudo always calls pam_authenticate with
PAM_SILENT (plugins/sudoers/auth/pam.c, sudo_pam_verify), so every case
here is a silent one: the operator must still see the prompt and why a
refusal happened."""

import json
import os
import stat
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import realclients  # noqa: E402

realclients.enter_private_namespace()

from harness import iam_user  # noqa: E402

pexpect = realclients.pexpect
TRIES = 3
CODE_PROMPT = r"AWS MFA code for (\S+) \((\S+)\): "
COMMAND = ["/bin/sh", "-c", "echo ran-as-uid=$(id -u)"]


class SudoTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.bench = realclients.Bench(
            [iam_user("sam"), iam_user("tom"), iam_user("uma", devices=()),
             iam_user("vic", devices=("fido",))],
            {"op-sam": "sam", "op-tom": "tom", "op-uma": "uma",
             "op-vic": "vic"},
            tries=TRIES)

    @classmethod
    def tearDownClass(cls):
        cls.bench.close()

    def setUp(self):
        self.b = self.bench.bastion
        self.b.emu.reset()
        self.syslog_mark = self.bench.machine.syslog.mark()

    def syslog(self):
        return self.bench.machine.syslog.since(self.syslog_mark)

    def explain(self, transcript):
        return (f"\n--- sudo transcript\n{transcript.text()}\n--- syslog\n"
                f"{self.syslog()}")

    def sudo(self, user, answers):
        """Runs `sudo COMMAND` as user, answering code prompts in turn;
        returns (prompt count, what the user saw, exit status)."""
        child, t = realclients.sudo_as(self.bench.machine, user, COMMAND)
        prompts = 0
        while child.expect([CODE_PROMPT, pexpect.EOF]) == 0:
            self.assertLess(prompts, len(answers), "one prompt too many"
                            + self.explain(t))
            self.assertEqual(child.match.group(2), self.bench.serial(user))
            child.sendline(answers[prompts])
            prompts += 1
        child.close()
        return prompts, t.text(), child.exitstatus

    def session(self, user):
        path = self.bench.session_file(user)
        st = os.lstat(path)
        self.assertEqual(st.st_uid, self.bench.machine.users[user]["uid"])
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        with open(path) as f:
            return json.load(f), st.st_mtime_ns

    def test_right_code_runs_command_and_renews_session_file(self):
        user, bench = "op-sam", self.bench
        first_code = bench.code(user)
        first, text, status = self.sudo(user, [first_code])
        self.assertEqual((first, status), (1, 0), self.explain_text(text))
        self.assertIn("ran-as-uid=0", text)
        before, mtime_before = self.session(user)

        # A code is accepted once only: the next step's code (or the
        # previous step's, in the rare case that both are the same).
        code = next(c for c in (bench.code(user, offset_steps=1),
                                bench.code(user, offset_steps=-1))
                    if c != first_code)
        prompts, text, status = self.sudo(user, [code])
        self.assertEqual((prompts, status), (1, 0), self.explain_text(text))
        self.assertIn("ran-as-uid=0", text)
        after, mtime_after = self.session(user)
        self.assertNotEqual(after["AccessKeyId"], before["AccessKeyId"])
        self.assertGreater(mtime_after, mtime_before)
        self.assertTrue(after["AccessKeyId"].startswith("ASIA"))
        # PAM_SILENT reached the module: the informational line that an
        # ssh login shows is left out here.
        self.assertNotIn("AWS session for IAM user", text)
        log = self.syslog()
        self.assertRegex(log, r"iam_user=sam .*outcome=granted")
        for secret in [code, after["SecretAccessKey"],
                       after["SessionToken"]] + bench.secrets_of(user):
            self.assertNotIn(secret, text + log)
        self.assertEqual(len(self.b.calls("GetSessionToken")), 2)

    def explain_text(self, text):
        return f"\n--- sudo transcript\n{text}\n--- syslog\n{self.syslog()}"

    def test_wrong_code_refused_with_reason(self):
        user = "op-tom"
        wrong = [self.bench.wrong_code(user)] * TRIES
        prompts, text, status = self.sudo(user, wrong)
        self.assertEqual(prompts, TRIES, self.explain_text(text))
        self.assertNotEqual(status, 0)
        self.assertNotIn("ran-as-uid", text)
        self.assertEqual(text.count("Wrong or already used code"), TRIES,
                         self.explain_text(text))
        self.assertIn("incorrect password attempt", text)
        self.assertEqual(len(self.b.calls("GetSessionToken")), TRIES)
        self.assertFalse(os.path.exists(self.bench.session_file(user)))

    def assert_refused_before_prompt(self, user, reason):
        prompts, text, status = self.sudo(user, [])
        print(f"\n--- what {user} sees from sudo\n{text}", file=sys.stderr)
        self.assertEqual(prompts, 0)
        self.assertNotEqual(status, 0)
        self.assertNotIn("ran-as-uid", text)
        self.assertIn(reason, text, self.explain_text(text))
        self.assertEqual(self.b.calls("GetSessionToken"), [])

    def test_no_device_refused_with_reason(self):
        self.assert_refused_before_prompt(
            "op-uma", "IAM user uma has no MFA device")

    def test_only_fido_refused_with_reason(self):
        self.assert_refused_before_prompt(
            "op-vic", "IAM user vic has only FIDO security keys")


if __name__ == "__main__":
    unittest.main(verbosity=2)
