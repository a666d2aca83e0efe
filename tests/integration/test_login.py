"""The login through the real PAM stack against the AWS emulator:
what the operator sees, the PAM result, the environment, the session
file and the decision log."""

import json
import os
import re
import stat
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PAM, Bastion, BastionCase, iam_user, slack  # noqa: E402

AWS_NAMES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
             "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION",
             "AWS_REGION", "AWS_DEFAULT_REGION"]


class LoginTest(BastionCase):
    """One emulator for the module; each case maps the test's Linux user
    to its own IAM user, so no TOTP code is ever used twice."""

    @classmethod
    def make_bastion(cls):
        return Bastion([
            iam_user("alice"),
            iam_user("bob"),
            iam_user("carol", devices=()),
            iam_user("dave", devices=("fido",)),
            iam_user("erin", devices=("fido", "virtual", "hardware")),
            iam_user("frank", page_size=1,
                     devices=("fido", "fido", "virtual")),
            iam_user("grace"),
            iam_user("heidi"),
            iam_user("ivan"),
            iam_user("judy"),
        ])

    def assertNoSecretsIn(self, text, *secrets):
        for s in secrets:
            if s:
                self.assertNotIn(s, text)

    def assertNoAwsEnv(self, r):
        for name in AWS_NAMES:
            self.assertNotIn(name, r.env, r)

    def test_right_code_gives_working_session(self):
        b = self.b
        b.map_to("alice")
        code = b.code("alice")
        r = b.login([code], session=True)
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        serial = b.device("alice")["serial"]
        self.assertIn(f"AWS MFA code for alice ({serial}):  [echo off]",
                      r.out)
        self.assertRegex(r.out, r"\[info\] AWS session for IAM user alice "
                         r"is valid until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
        self.assertIn("open_session: Success", r.out)

        # The environment is exactly the session file's credentials.
        doc = b.read_session()
        self.assertEqual(r.env["AWS_ACCESS_KEY_ID"], doc["AccessKeyId"])
        self.assertTrue(doc["AccessKeyId"].startswith("ASIA"))
        self.assertEqual(r.env["AWS_SECRET_ACCESS_KEY"],
                         doc["SecretAccessKey"])
        self.assertEqual(r.env["AWS_SESSION_TOKEN"], doc["SessionToken"])
        self.assertEqual(r.env["AWS_CREDENTIAL_EXPIRATION"],
                         doc["Expiration"])
        self.assertRegex(doc["Expiration"],
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(r.env["AWS_REGION"], "eu-west-1")
        self.assertEqual(r.env["AWS_DEFAULT_REGION"], "eu-west-1")
        self.assertEqual(doc["Version"], 1)
        self.assertEqual(doc["IamUser"], "alice")
        self.assertEqual(doc["MfaSerial"], serial)
        self.assertNotIn("RoleArn", doc)

        # File and directory belong to the user, readable by nobody else.
        st = os.lstat(b.session_file())
        self.assertTrue(stat.S_ISREG(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(st.st_uid, b.uid)
        dst = os.lstat(os.path.dirname(b.session_file()))
        self.assertEqual(stat.S_IMODE(dst.st_mode), 0o700)
        self.assertEqual(dst.st_uid, b.uid)

        # One decision line, with the request id; no secret in any output.
        self.assertRegex(r.syslog, r"user=\S+ iam_user=alice device=\S+ "
                         r"outcome=granted reason=\"session valid until \S+Z\" "
                         r"request_id=\S+")
        outputs = r.syslog + r.out + r.err
        self.assertNoSecretsIn(outputs, code, doc["SecretAccessKey"],
                               doc["SessionToken"],
                               b.users["alice"]["keys"][0]["secret"])

        # The operator's tools work at once with what the session got.
        who = b.aws(["sts", "get-caller-identity"], {
            k: r.env[k] for k in AWS_NAMES[:3]})
        self.assertEqual(who.returncode, 0, who.stderr)
        self.assertIn(":user/alice", json.loads(who.stdout)["Arn"])

        # Exactly one ListMFADevices and one GetSessionToken call.
        self.assertEqual(len(b.calls("ListMFADevices")), 1)
        self.assertEqual(len(b.calls("GetSessionToken")), 1)

    def test_expired_session_file_removed_at_next_login(self):
        b = self.b
        b.map_to("ivan")
        r = b.login([b.code("ivan")])
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        doc = b.read_session()
        doc["Expiration"] = "2020-01-01T00:00:00Z"
        with open(b.session_file(), "w") as f:
            json.dump(doc, f)
        r = b.login([])
        self.assertEqual(r.rc, PAM["CONV_ERR"], r)
        self.assertFalse(os.path.exists(b.session_file()))

    def test_wrong_code_then_right_code(self):
        b = self.b
        b.map_to("bob")
        r = b.login([b.wrong_code("bob"), b.code("bob")])
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        self.assertIn("[error] Wrong or already used code", r.out)
        self.assertEqual(r.out.count("AWS MFA code for bob"), 2)
        self.assertEqual(len(b.calls("GetSessionToken")), 2)
        self.assertRegex(r.syslog, r"iam_user=bob .*outcome=denied "
                         r"reason=\"wrong or reused code")
        self.assertIn("outcome=granted", r.syslog)

    def test_wrong_codes_until_tries_run_out(self):
        b = self.b
        b.map_to("grace")
        b.config(tries="2")
        wrong = b.wrong_code("grace")
        r = b.login([wrong, wrong, b.code("grace")])
        self.assertEqual(r.rc, PAM["MAXTRIES"], r)
        self.assertEqual(r.out.count("AWS MFA code for grace"), 2)
        self.assertEqual(len(b.calls("GetSessionToken")), 2)
        self.assertNoAwsEnv(r)
        self.assertFalse(os.path.exists(b.session_file()))
        self.assertNotIn(wrong, r.syslog)

    def test_malformed_code_is_not_sent(self):
        b = self.b
        b.map_to("heidi")
        good = b.code("heidi")
        spaced = good[:3] + " " + good[3:]
        r = b.login(["12345", "abcdef", spaced])
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        self.assertEqual(r.out.count("A code is 6 digits"), 2)
        self.assertEqual(len(b.calls("GetSessionToken")), 1)

    def test_decisions_name_only_their_own_aws_call(self):
        # A wrong code is AWS's decision and names its request; a
        # malformed code and a missing one were never sent, so their
        # lines name no request (not the previous call's).
        b = self.b
        b.map_to("judy")
        r = b.login([b.wrong_code("judy"), "12345"])
        self.assertEqual(r.rc, PAM["CONV_ERR"], r)
        [sent] = b.calls("GetSessionToken")
        lines = [l for l in r.syslog.splitlines() if "outcome=" in l]
        self.assertEqual(len(lines), 3, r)
        wrong, malformed, missing = lines
        self.assertIn("wrong or reused code", wrong)
        self.assertTrue(wrong.endswith(f"request_id={sent['request_id']}"),
                        wrong)
        self.assertIn("reason=\"malformed code, not sent to AWS\"",
                      malformed)
        self.assertIn("reason=\"no code given\"", missing)
        for line in (malformed, missing):
            self.assertNotIn("request_id=", line)

    def test_no_device_refused_before_prompt(self):
        b = self.b
        b.map_to("carol")
        r = b.login([])
        self.assertEqual(r.rc, PAM["MAXTRIES"], r)
        self.assertNotIn("[echo off]", r.out)
        self.assertIn("IAM user carol has no MFA device. Register a virtual "
                      "or hardware TOTP device", r.out)
        self.assertEqual(b.calls("GetSessionToken"), [])
        self.assertIn("outcome=denied reason=\"no MFA device registered\"",
                      r.syslog)
        self.assertNoAwsEnv(r)

    def test_fido_only_refused_before_prompt(self):
        b = self.b
        b.map_to("dave")
        r = b.login([])
        self.assertEqual(r.rc, PAM["MAXTRIES"], r)
        self.assertNotIn("[echo off]", r.out)
        self.assertIn("only FIDO security keys", r.out)
        self.assertIn("cannot give codes", r.out)
        self.assertEqual(b.calls("GetSessionToken"), [])

    def test_several_devices_operator_chooses(self):
        b = self.b
        b.map_to("erin")
        hardware = b.device("erin", 2)["serial"]
        r = b.login(["2", b.code("erin", 2)])
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        self.assertIn("IAM user erin has 2 MFA devices:", r.out)
        self.assertIn(f"  2) {hardware}", r.out)
        self.assertNotIn(":u2f/", r.out)
        calls = b.calls("GetSessionToken")
        self.assertEqual(calls[0]["params"]["SerialNumber"], hardware)
        self.assertEqual(b.read_session()["MfaSerial"], hardware)

    def test_devices_found_across_pages(self):
        b = self.b
        b.map_to("frank")
        r = b.login([b.code("frank", 2)])
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        self.assertEqual(len(b.calls("ListMFADevices")), 3)

    def test_configured_serial_must_be_registered(self):
        b = self.b
        b.map_to("ivan", mfa_serial="arn:aws:iam::123456789012:mfa/other")
        r = b.login([])
        self.assertEqual(r.rc, PAM["MAXTRIES"], r)
        self.assertIn("is not registered to IAM user ivan", r.out)
        self.assertNotIn("[echo off]", r.out)

    def test_unmapped_user_denied(self):
        b = self.b
        b.store({"somebody-else": {"aws_access_key_id": "AKIAAAAAAAAAAAAAAAAA",
                                   "aws_secret_access_key": "x" * 40}})
        r = b.login([])
        self.assertEqual(r.rc, PAM["USER_UNKNOWN"], r)
        self.assertIn("No AWS identity is set up", r.out)
        self.assertEqual(b.emu.requests(), [])

    def test_user_name_cannot_pass_for_log_fields(self):
        # A name typed before login (ssh sends it unauthenticated) with
        # Hangul fillers, which show as blanks, and a direction mark.
        forged = ("nosuch\u3164outcome=granted\u3164reason=ok\u061c")
        r = self.b.login(["123456"], user=forged)
        self.assertEqual(r.rc, PAM["USER_UNKNOWN"], r)
        [line] = [l for l in r.syslog.splitlines() if "outcome=" in l]
        self.assertIn('user="nosuch?outcome=granted?reason=ok?" '
                      'outcome=denied', line)
        unquoted = re.sub(r'"[^"]*"', "", line)
        self.assertEqual(re.findall(r"outcome=\w+", unquoted),
                         ["outcome=denied"])
        self.assertEqual(self.b.emu.requests(), [])

    def test_unmapped_user_ignored(self):
        b = self.b
        b.store({"somebody-else": {"aws_access_key_id": "AKIAAAAAAAAAAAAAAAAA",
                                   "aws_secret_access_key": "x" * 40}})
        b.config(unmapped="ignore")
        b.service(["auth required @MODULE@",
                   "auth required pam_permit.so",
                   "account required pam_permit.so"])
        r = b.login([])
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        self.assertEqual(b.emu.requests(), [])
        self.assertNoAwsEnv(r)
        b.service(["auth required @MODULE@",
                   "account required pam_permit.so"])
        r = b.login([])
        self.assertNotEqual(r.rc, PAM["SUCCESS"], r)

    def test_bad_config_refused(self):
        b = self.b
        b.map_to("alice")
        b.config(colour="blue")
        r = b.login([])
        self.assertEqual(r.rc, PAM["SERVICE_ERR"], r)
        self.assertIn("not configured correctly", r.out)
        self.assertRegex(r.syslog, r"pam_awsmfa\.conf:\d+.*colour")
        self.assertEqual(b.emu.requests(), [])

    def test_missing_config_file_refused(self):
        b = self.b
        b.map_to("alice")
        b.service(args="config=/nonexistent/pam_awsmfa.conf")
        r = b.login([])
        self.assertEqual(r.rc, PAM["SERVICE_ERR"], r)
        self.assertIn("/nonexistent/pam_awsmfa.conf", r.syslog)

    def test_emulator_down_refused_within_timeout(self):
        b = self.b
        b.map_to("alice")
        b.config(iam_endpoint="https://127.0.0.1:9", timeout="3")
        r = b.login([])
        self.assertEqual(r.rc, PAM["MAXTRIES"], r)
        self.assertIn("AWS cannot be reached", r.out)
        self.assertLess(r.elapsed, 3 + slack())
        self.assertIn("outcome=error reason=\"AWS unreachable", r.syslog)

    def test_hung_endpoint_refused_within_timeout(self):
        b = self.b
        b.map_to("alice")
        b.config(timeout="2")
        b.emu.set_faults([{"match": "ListMFADevices", "kind": "hang",
                           "count": 10}])
        r = b.login([])
        self.assertEqual(r.rc, PAM["MAXTRIES"], r)
        self.assertGreaterEqual(r.elapsed, 1.5)
        self.assertLess(r.elapsed, 2 + slack())
        self.assertNoAwsEnv(r)


if __name__ == "__main__":
    unittest.main(verbosity=2)
