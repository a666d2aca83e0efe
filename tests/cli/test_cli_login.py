"""From login to tools: the real PAM stack (pamdrive) logs in through the
module against the AWS emulator, the module writes the session file, and
awsmfa serves exactly what the login handed to the session, to a shell
and to the real aws CLI; a second login renews what awsmfa serves.
awsmfa runs as the user who logged in (the one running the tests)."""

import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from clitest import (AWSMFA, RENEW, TOP_SRCDIR, iso, utc,  # noqa: E402
                     wrapper)

sys.path.insert(0, os.path.join(TOP_SRCDIR, "tests", "integration"))
from harness import PAM, Bastion, BastionCase, iam_user  # noqa: E402

NAMES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
         "AWS_CREDENTIAL_EXPIRATION", "AWS_REGION", "AWS_DEFAULT_REGION")


class FromLogin(BastionCase):
    config_overrides = {"duration": "900"}

    @classmethod
    def make_bastion(cls):
        bastion = Bastion([iam_user("alice")])
        bastion.map_to("alice")
        return bastion

    def login(self, step=0):
        """A login; a second one in the same test uses the next TOTP
        step's code (AWS refuses a code twice, and tests never wait)."""
        result = self.b.login([self.b.code("alice", offset_steps=step)],
                              session=True)
        self.assertEqual(result.rc, PAM["SUCCESS"], result)
        return result.env

    def awsmfa(self, args, now=None, program=None, extra=None):
        env = {"PATH": os.path.dirname(AWSMFA) + ":/usr/bin:/bin",
               "HOME": self.b.dir, "TZ": "UTC",
               "AWSMFA_SESSION_DIR": self.b.session_dir,
               "AWS_EC2_METADATA_DISABLED": "true"}
        if now is not None:
            env["AWSMFA_TEST_NOW"] = str(now)
        env.update(extra or {})
        command = program or wrapper() + [AWSMFA]
        return subprocess.run(command + args, capture_output=True,
                              text=True, env=env, timeout=120)

    def test_env_in_bash_is_what_the_login_handed_over(self):
        handed = self.login()
        done = self.awsmfa(['eval "$(awsmfa env)" && exec env -0'],
                           program=["/bin/bash", "--norc", "-c"])
        self.assertEqual(done.returncode, 0, done.stderr)
        pairs = (x.split("=", 1) for x in done.stdout.split("\0") if x)
        got = {k: v for k, v in pairs if k in NAMES}
        self.assertEqual(got, {k: handed[k] for k in NAMES if k in handed})
        self.assertTrue(got["AWS_ACCESS_KEY_ID"].startswith("ASIA"))

    def test_status_names_the_user_and_device(self):
        self.login()
        done = self.awsmfa(["status", "--json"])
        self.assertEqual(done.returncode, 0, done.stderr)
        answer = json.loads(done.stdout)
        self.assertEqual((answer["iam_user"], answer["mfa_serial"],
                          answer["region"]),
                         ("alice", self.b.device("alice")["serial"],
                          "eu-west-1"))
        self.assertTrue(850 <= answer["seconds_left"] <= 900,
                        answer["seconds_left"])

    def aws_with_profile(self, now=None):
        config = os.path.join(self.b.dir, "aws-config")
        with open(config, "w") as f:
            f.write("[profile bastion]\n"
                    "credential_process = awsmfa credential-process\n")
        return self.awsmfa(
            ["--endpoint-url", self.b.emu.url, "--region", "eu-west-1",
             "--output", "json", "sts", "get-caller-identity"], now=now,
            program=["/usr/bin/aws"],
            extra={"AWS_CONFIG_FILE": config, "AWS_PROFILE": "bastion",
                   "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                   "AWS_CA_BUNDLE": self.b.emu.ca_file, "AWS_PAGER": "",
                   "AWS_MAX_ATTEMPTS": "1"})

    def test_aws_cli_profile_then_renewal_then_expiry(self):
        first = self.login()
        done = self.aws_with_profile()
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("alice", json.loads(done.stdout)["Arn"])
        second = self.login(step=1)
        self.assertNotEqual(first["AWS_ACCESS_KEY_ID"],
                            second["AWS_ACCESS_KEY_ID"])
        self.assertEqual(self.aws_with_profile().returncode, 0)
        used = [c["access_key_id"] for c in self.b.calls("GetCallerIdentity")]
        self.assertEqual(used, [first["AWS_ACCESS_KEY_ID"],
                                second["AWS_ACCESS_KEY_ID"]])
        expires = utc(second["AWS_CREDENTIAL_EXPIRATION"])
        done = self.aws_with_profile(now=expires)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn(f"awsmfa: the AWS session expired at {iso(expires)}; "
                      f"{RENEW}",
                      done.stderr)
        self.assertEqual(len(self.b.calls("GetCallerIdentity")), 2)
        # Expired only by the test clock: the live file is kept.
        self.assertTrue(os.path.exists(self.b.session_file()))


if __name__ == "__main__":
    unittest.main(verbosity=2)
