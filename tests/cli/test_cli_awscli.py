"""The real aws CLI (v2) with `credential_process = awsmfa
credential-process` in a profile, against the AWS emulator: it calls STS
with the session's credentials while they live, and fails with awsmfa's
message, sending nothing, once they expired.  The session comes from the
emulator's GetSessionToken (asked with the real aws CLI and a TOTP code
from oathtool); awsmfa and the aws CLI run as the session's user."""

import datetime
import os
import shutil
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from clitest import TOP_SRCDIR, Sessions, document, iso  # noqa: E402

sys.path.insert(0, os.path.join(TOP_SRCDIR, "tests", "emulator"))
from emutest import ACCOUNT, Bench, cli_json, user  # noqa: E402

AWS_CLI = "/usr/bin/aws"
RENEW = "log in again or run sudo -v to renew"


class AwsCliCredentialProcess(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bench = Bench([user("alice"), user("bob")])

    @classmethod
    def tearDownClass(cls):
        cls.bench.close()

    def setUp(self):
        self.b = self.bench
        self.b.emu.reset()
        self.s = Sessions()
        self.addCleanup(self.s.close)
        # The session's user must be able to read the test CA.
        self.ca = os.path.join(self.s.top, "ca.pem")
        shutil.copy(self.b.emu.ca_file, self.ca)
        os.chmod(self.ca, 0o644)
        self.config = os.path.join(self.s.home, "config")
        with open(self.config, "w") as f:
            f.write("[profile bastion]\n"
                    "credential_process = awsmfa credential-process\n"
                    "region = eu-west-1\n")
        os.chmod(self.config, 0o644)

    def login(self, name, duration=900):
        """What the module does at login: GetSessionToken with a code,
        then the session file."""
        b = self.b
        done = b.aws(["sts", "get-session-token",
                      "--serial-number", b.device(name)["serial"],
                      "--token-code", b.code(name),
                      "--duration-seconds", str(duration)],
                     b.long_term(name), region="eu-west-1")
        creds = cli_json(done)["Credentials"]
        expires = int(datetime.datetime.fromisoformat(
            creds["Expiration"]).timestamp())
        self.s.write(document(
            expires, int(time.time()), AccessKeyId=creds["AccessKeyId"],
            SecretAccessKey=creds["SecretAccessKey"],
            SessionToken=creds["SessionToken"], IamUser=name,
            MfaSerial=b.device(name)["serial"]))
        return creds, expires

    def aws(self, args, now=None):
        env = {"AWS_CONFIG_FILE": self.config,
               "AWS_SHARED_CREDENTIALS_FILE":
                   os.path.join(self.s.home, "no-credentials"),
               "AWS_PROFILE": "bastion", "AWS_EC2_METADATA_DISABLED": "true",
               "AWS_CA_BUNDLE": self.ca, "AWS_PAGER": "",
               "AWS_MAX_ATTEMPTS": "1"}
        return self.s.run(["--endpoint-url", self.b.emu.url, "--output",
                           "json"] + args, now=now, env=env,
                          program=[AWS_CLI])

    def sts_calls(self):
        return [c for c in self.b.emu.requests()
                if c["action"] != "GetSessionToken"]

    def test_live_session_is_used(self):
        creds, _ = self.login("alice")
        done = self.aws(["sts", "get-caller-identity"])
        answer = cli_json(done)
        self.assertEqual(answer["Account"], ACCOUNT)
        self.assertIn("alice", answer["Arn"])
        calls = self.sts_calls()
        self.assertEqual([(c["action"], c["access_key_id"], c["status"])
                          for c in calls],
                         [("GetCallerIdentity", creds["AccessKeyId"], 200)])

    def test_renewed_session_is_picked_up(self):
        self.login("alice")
        first = cli_json(self.aws(["sts", "get-caller-identity"]))
        creds, _ = self.login("bob")
        second = cli_json(self.aws(["sts", "get-caller-identity"]))
        self.assertIn("alice", first["Arn"])
        self.assertIn("bob", second["Arn"])
        self.assertEqual(self.sts_calls()[-1]["access_key_id"],
                         creds["AccessKeyId"])

    def test_expired_session_fails_with_our_message(self):
        _, expires = self.login("alice")
        self.b.emu.reset()
        done = self.aws(["sts", "get-caller-identity"], now=expires + 1)
        self.assertNotEqual(done.returncode, 0)
        self.assertEqual(done.stdout, "")
        self.assertIn(f"awsmfa: the AWS session expired at {iso(expires)}; "
                      f"{RENEW}", done.stderr)
        self.assertEqual(self.b.emu.requests(), [],
                         "expired credentials reached AWS")
        self.assertTrue(self.s.exists(), "a session valid by the real "
                        "clock was removed by the test clock")

    def test_emulator_and_awsmfa_agree_on_expiry(self):
        # The emulator's clock moved past the 15-minute session: AWS itself
        # would say ExpiredToken; awsmfa on the same clock never lets the
        # aws CLI get that far.
        _, expires = self.login("alice")
        self.b.emu.set_clock_offset(expires - int(self.b.emu.now()) + 60)
        done = self.aws(["sts", "get-caller-identity"],
                        now=int(self.b.emu.now()))
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("awsmfa: the AWS session expired at", done.stderr)
        self.assertEqual(self.sts_calls(), [])

    def test_no_session(self):
        done = self.aws(["sts", "get-caller-identity"])
        self.assertNotEqual(done.returncode, 0)
        self.assertIn(f"awsmfa: no AWS session: {self.s.path} does not "
                      f"exist; {RENEW}", done.stderr)
        self.assertEqual(self.b.emu.requests(), [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
