"""An operator logs in with OpenSSH's ssh to a real sshd whose PAM stack
is the shipped conf/pam.d/sshd, against the AWS emulator.  The assertions
are on what the ssh user sees, what the shell gets, the session file, and
which AWS calls were made."""

import hashlib
import json
import os
import socket
import stat
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import realclients  # noqa: E402

realclients.enter_private_namespace()

from harness import iam_user  # noqa: E402

pexpect = realclients.pexpect
TRIES = 3
CODE_PROMPT = r"AWS MFA code for (\S+) \((\S+)\): "
DENIED = "Permission denied"
SHELL_PROMPT = r"\$ "


class SshTest(unittest.TestCase):
    """One sshd and one emulator; each case logs in as its own Linux user
    mapped to its own IAM user, so no TOTP code is used twice."""

    @classmethod
    def setUpClass(cls):
        cls.bench = realclients.Bench(
            [iam_user("alice"), iam_user("bob"),
             iam_user("carol", devices=()),
             iam_user("dave", devices=("fido",)), iam_user("erin"),
             iam_user("frank")],
            {"op-alice": "alice", "op-bob": "bob", "op-carol": "carol",
             "op-dave": "dave", "op-erin": "erin", "op-frank": "frank"},
            tries=TRIES)
        try:
            cls.sshd = realclients.Sshd(cls.bench.machine)
        except BaseException:
            cls.bench.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.sshd.stop()
        cls.bench.close()

    def setUp(self):
        self.b = self.bench.bastion
        self.b.emu.reset()
        self.bench.config(tries=TRIES)
        self.syslog_mark = self.bench.machine.syslog.mark()

    def syslog(self):
        return self.bench.machine.syslog.since(self.syslog_mark)

    def ssh(self, user, sshd=None):
        return realclients.ssh(self.bench.machine, sshd or self.sshd, user)

    def finish(self, child, transcript):
        child.expect(pexpect.EOF)
        child.close()
        return transcript.text()

    def explain(self, transcript):
        return (f"\n--- ssh transcript\n{transcript.text()}\n--- syslog\n"
                f"{self.syslog()}\n--- sshd log (tail)\n"
                f"{self.sshd.read_log()[-2000:]}")

    def assertNoSecrets(self, text, *secrets):
        for s in secrets:
            self.assertNotIn(s, text)

    def run_in_shell(self, child, transcript, command):
        """Runs command in the logged-in shell; returns its output."""
        child.sendline(f"echo ==BE''GIN; {command}; echo ==E''ND")
        child.expect("==BEGIN\r\n", timeout=60)
        child.expect("==END\r\n", timeout=60)
        return child.before.replace("\r\n", "\n")

    def test_right_code_gives_shell_with_working_aws_session(self):
        bench, user = self.bench, "op-alice"
        child, t = self.ssh(user)
        child.expect(CODE_PROMPT)
        self.assertEqual(child.match.group(1), "alice")
        self.assertEqual(child.match.group(2), bench.serial(user))
        code = bench.code(user)
        child.sendline(code)
        try:
            child.expect(SHELL_PROMPT)
        except pexpect.ExceptionPexpect:
            self.fail("no shell after the right code" + self.explain(t))
        self.assertRegex(t.text(), r"AWS session for IAM user alice is "
                         r"valid until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")

        names = self.run_in_shell(child, t, "env | cut -d= -f1 | sort")
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                     "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION",
                     "AWS_REGION", "AWS_DEFAULT_REGION"):
            self.assertIn(name + "\n", names, self.explain(t))
        # The shell's credentials are the session file's; the secrets are
        # compared by digest, so they never appear on the terminal.
        shown = self.run_in_shell(
            child, t, 'echo "key=$AWS_ACCESS_KEY_ID"; '
            'printf %s "$AWS_SECRET_ACCESS_KEY" | sha256sum; '
            'printf %s "$AWS_SESSION_TOKEN" | sha256sum')
        doc = self.read_session_file(user)
        self.assertTrue(doc["AccessKeyId"].startswith("ASIA"))
        self.assertIn(f"key={doc['AccessKeyId']}\n", shown)
        for field in ("SecretAccessKey", "SessionToken"):
            digest = hashlib.sha256(doc[field].encode()).hexdigest()
            self.assertIn(digest, shown, field)

        emu = self.b.emu
        arn = self.run_in_shell(
            child, t, f"AWS_CA_BUNDLE={emu.ca_file} "
            "AWS_EC2_METADATA_DISABLED=true AWS_PAGER= "
            f"/usr/bin/aws --endpoint-url {emu.url} sts get-caller-identity "
            "--query Arn --output text; echo rc=$?")
        self.assertIn("arn:aws:iam::123456789012:user/alice\nrc=0\n", arn,
                      self.explain(t))
        child.sendline("exit")
        text = self.finish(child, t)

        self.assertNoSecrets(text + self.syslog(), code,
                             doc["SecretAccessKey"], doc["SessionToken"],
                             *bench.secrets_of(user))
        self.assertRegex(self.syslog(), r"iam_user=alice .*outcome=granted")
        self.assertEqual(len(self.b.calls("GetSessionToken")), 1)
        print(f"\n--- transcript of a successful ssh login\n{text}",
              file=sys.stderr)

    def read_session_file(self, user):
        """The session file, after checking it is the user's alone."""
        path = self.bench.session_file(user)
        st = os.lstat(path)
        self.assertTrue(stat.S_ISREG(st.st_mode))
        self.assertEqual(st.st_uid, self.bench.machine.users[user]["uid"])
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        with open(path) as f:
            return json.load(f)

    def answer_wrong_codes(self, user, child, t):
        """Answers every code prompt with a wrong code; returns the count
        of prompts."""
        prompts = 0
        while prompts < 3 * TRIES:
            if child.expect([CODE_PROMPT, pexpect.EOF]) == 1:
                break
            prompts += 1
            child.sendline(self.bench.wrong_code(user))
        return prompts

    def test_wrong_code_refused_after_tries(self):
        user = "op-bob"
        child, t = self.ssh(user)
        prompts = self.answer_wrong_codes(user, child, t)
        text = self.finish(child, t)
        self.assertEqual(prompts, TRIES, self.explain(t))
        self.assertEqual(text.count("Wrong or already used code"), TRIES,
                         self.explain(t))
        self.assertIn(DENIED, text)
        self.assertEqual(len(self.b.calls("GetSessionToken")), TRIES)
        self.assertFalse(os.path.exists(self.bench.session_file(user)))

    def assert_refused_with_reason(self, user, reason):
        child, t = self.ssh(user)
        prompted = child.expect([CODE_PROMPT, pexpect.EOF]) == 0
        text = self.finish(child, t)
        print(f"\n--- what {user} sees\n{text}", file=sys.stderr)
        self.assertFalse(prompted, "asked for a code" + self.explain(t))
        self.assertIn(DENIED, text)
        self.assertIn(reason, text, "the reason does not reach the ssh user"
                      + self.explain(t))
        self.assertEqual(self.b.calls("GetSessionToken"), [])
        self.assertFalse(os.path.exists(self.bench.session_file(user)))
        return text

    def test_no_mfa_device_refused_with_reason(self):
        self.assert_refused_with_reason(
            "op-carol", "IAM user carol has no MFA device")

    def test_only_fido_key_refused_with_reason(self):
        self.assert_refused_with_reason(
            "op-dave", "IAM user dave has only FIDO security keys")

    def test_aws_unreachable_refused_within_timeout(self):
        timeout = 3
        with socket.socket() as hung:
            # Takes connections and never answers: the TLS handshake hangs.
            hung.bind(("127.0.0.1", 0))
            hung.listen(16)
            url = "https://127.0.0.1:%d" % hung.getsockname()[1]
            self.bench.config(tries=TRIES, timeout=timeout, sts_endpoint=url,
                              iam_endpoint=url)
            start = time.monotonic()
            text = self.assert_refused_with_reason(
                "op-erin", "AWS cannot be reached from this server")
            elapsed = time.monotonic() - start
        # The budget is the module's; ssh's own handshakes take about a
        # second, more on a loaded machine.  A second budget spent (a
        # retry past the deadline) would pass 2 * timeout + 1.
        print(f"refused after {elapsed:.1f}s (timeout = {timeout}s)",
              file=sys.stderr)
        self.assertLess(elapsed, 2 * timeout + 1, text + self.syslog())
        self.assertEqual(self.b.emu.requests(), [])

    def test_unknown_linux_user_refused_without_aws_call(self):
        """With the shipped sshd snippet the key comes first, so an
        unknown user never reaches the PAM stack."""
        child, t = self.ssh("op-nobody")
        i = child.expect([CODE_PROMPT, pexpect.EOF])
        text = self.finish(child, t)
        self.assertEqual(i, 1, "asked for a code" + self.explain(t))
        self.assertIn(f"{DENIED} (publickey)", text)
        self.assertEqual(self.b.emu.requests(), [])

    def test_unknown_linux_user_without_key_step_no_aws_call(self):
        """A test-only sshd that asks for keyboard-interactive alone (as if
        an admin dropped the key step): OpenSSH runs the PAM stack for
        the unknown user and answers with a fake password; the module
        asks anyway (so names cannot be probed), calls no AWS API and
        refuses."""
        sshd = realclients.Sshd(self.bench.machine,
                                methods="keyboard-interactive")
        try:
            child, t = self.ssh("op-nobody", sshd)
            prompts = 0
            while child.expect([r"AWS MFA code: ", pexpect.EOF]) == 0:
                prompts += 1
                child.sendline("123456")
            text = t.text()
            child.close()
        finally:
            sshd.stop()
        self.assertGreaterEqual(prompts, 1, text)
        self.assertIn(DENIED, text)
        self.assertEqual(self.b.emu.requests(), [])
        self.assertRegex(self.syslog(), r"user=op-nobody .*no such Linux "
                         r"user")


if __name__ == "__main__":
    unittest.main(verbosity=2)
