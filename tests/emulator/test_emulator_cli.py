"""The AWS emulator as the real aws CLI (v2) sees it: if AWS's own client
accepts its answers and reads its errors, it speaks AWS.  One emulator for
the module; every case has its own IAM user and device seeds."""

import calendar
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from emutest import (ACCOUNT, Bench, cli_error, cli_json,  # noqa: E402
                     session_env, user)

WRONG_CODE = ("MultiFactorAuthentication failed with invalid MFA one time "
              "pass code. ")
UNKNOWN_DEVICE = ("MultiFactorAuthentication failed, unable to validate MFA "
                  "code.  Please verify your MFA serial number is valid and "
                  "associated with this user.")


class AwsCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bench = Bench([
            user("pager", ("virtual", "hardware", "virtual", "fido"),
                 list_page_size=2),
            user("sessions"), user("reuse"), user("other"),
            user("wrongserial"), user("tamper"), user("skew"),
            user("expiring"), user("iamsession"), user("nomfa"),
            user("lookup", may_read=["ghost"]), user("roleuser"),
        ], roles=[{"arn": f"arn:aws:iam::{ACCOUNT}:role/ops",
                   "trust": ["roleuser"], "require_mfa": True}])

    @classmethod
    def tearDownClass(cls):
        cls.bench.close()

    def setUp(self):
        self.b = self.bench
        self.b.emu.reset()

    def session(self, name, duration=900):
        b = self.b
        done = b.aws(["sts", "get-session-token",
                      "--serial-number", b.device(name)["serial"],
                      "--token-code", b.code(name),
                      "--duration-seconds", str(duration)],
                     b.long_term(name), region="eu-west-1")
        return cli_json(done)["Credentials"]

    def test_devices_listed_across_pages(self):
        b = self.b
        done = b.aws(["iam", "list-mfa-devices"], b.long_term("pager"))
        serials = [d["SerialNumber"] for d in cli_json(done)["MFADevices"]]
        self.assertEqual(serials, [d["serial"] for d in
                                   b.users["pager"]["mfa_devices"]])
        calls = b.emu.requests()
        self.assertEqual([c["action"] for c in calls],
                         ["ListMFADevices", "ListMFADevices"])
        self.assertNotIn("Marker", calls[0]["params"])
        self.assertIn("Marker", calls[1]["params"])

    def test_page_size_and_max_items(self):
        b = self.b
        done = b.aws(["iam", "list-mfa-devices", "--page-size", "1",
                      "--max-items", "3"], b.long_term("pager"))
        answer = cli_json(done)
        self.assertEqual(len(answer["MFADevices"]), 3)
        self.assertIn("NextToken", answer)
        calls = b.emu.requests()
        self.assertEqual(len(calls), 3)
        self.assertEqual({c["params"]["MaxItems"] for c in calls}, {"1"})

    def test_session_token_then_caller_identity(self):
        b = self.b
        before = int(b.emu.now())
        creds = self.session("sessions")
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        self.assertGreater(len(creds["SessionToken"]), 300)
        expires = calendar.timegm(time.strptime(
            creds["Expiration"][:19], "%Y-%m-%dT%H:%M:%S"))
        self.assertAlmostEqual(expires, before + 900, delta=5)
        done = b.aws(["sts", "get-caller-identity"], session_env(creds))
        who = cli_json(done)
        self.assertEqual(who["Arn"], f"arn:aws:iam::{ACCOUNT}:user/sessions")
        self.assertEqual(who["Account"], ACCOUNT)
        gst = [c for c in b.emu.requests()
               if c["action"] == "GetSessionToken"][0]
        self.assertEqual(gst["params"]["SerialNumber"],
                         b.device("sessions")["serial"])

    def test_reused_code_refused_like_a_wrong_one(self):
        b = self.b
        code = b.code("reuse")
        args = ["sts", "get-session-token", "--serial-number",
                b.device("reuse")["serial"], "--token-code", code]
        self.assertEqual(b.aws(args, b.long_term("reuse")).returncode, 0)
        again = b.aws(args, b.long_term("reuse"))
        self.assertEqual(cli_error(again), ("AccessDenied", WRONG_CODE))

    def test_wrong_code_refused(self):
        b = self.b
        near = {b.code("reuse", steps=s) for s in (-1, 0, 1)}
        wrong = next(f"{n:06d}" for n in range(0, 10**6, 7919)
                     if f"{n:06d}" not in near)
        done = b.aws(["sts", "get-session-token", "--serial-number",
                      b.device("reuse")["serial"], "--token-code", wrong],
                     b.long_term("reuse"))
        self.assertEqual(cli_error(done), ("AccessDenied", WRONG_CODE))

    def test_serial_of_another_user_refused(self):
        b = self.b
        done = b.aws(["sts", "get-session-token", "--serial-number",
                      b.device("other")["serial"], "--token-code",
                      b.code("other")], b.long_term("wrongserial"))
        self.assertEqual(cli_error(done), ("AccessDenied", UNKNOWN_DEVICE))

    def test_tampered_signature_refused(self):
        b = self.b
        creds = b.long_term("tamper")
        creds["AWS_SECRET_ACCESS_KEY"] = creds["AWS_SECRET_ACCESS_KEY"][::-1]
        done = b.aws(["sts", "get-caller-identity"], creds)
        code, message = cli_error(done)
        self.assertEqual(code, "SignatureDoesNotMatch")
        self.assertIn("does not match the signature you provided", message)

    def test_unknown_key_refused(self):
        b = self.b
        creds = b.long_term("tamper")
        creds["AWS_ACCESS_KEY_ID"] = "AKIAUNKNOWNUNKNOWN00"
        done = b.aws(["sts", "get-caller-identity"], creds)
        self.assertEqual(cli_error(done)[0], "InvalidClientTokenId")

    def test_emulator_clock_ahead_signature_expired(self):
        b = self.b
        b.emu.set_clock_offset(3600)
        done = b.aws(["sts", "get-caller-identity"], b.long_term("skew"))
        code, message = cli_error(done)
        self.assertEqual(code, "SignatureDoesNotMatch")
        self.assertRegex(message, r"^Signature expired: \d{8}T\d{6}Z is now "
                         r"earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 "
                         r"min\.\)$")

    def test_emulator_clock_behind_signature_not_yet_current(self):
        b = self.b
        b.emu.set_clock_offset(-3600)
        done = b.aws(["iam", "list-mfa-devices"], b.long_term("skew"))
        code, message = cli_error(done)
        self.assertEqual(code, "SignatureDoesNotMatch")
        self.assertRegex(message, r"^Signature not yet current: \d{8}T\d{6}Z "
                         r"is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z "
                         r"\+ 15 min\.\)$")

    def test_small_skew_accepted(self):
        b = self.b
        b.emu.set_clock_offset(-600)
        done = b.aws(["sts", "get-caller-identity"], b.long_term("skew"))
        self.assertEqual(done.returncode, 0, done.stderr)

    def test_expired_session_token(self):
        b = self.b
        # Issued 600 s in the emulator's past for 900 s; 400 s in its
        # future the session is over, and both signatures are in time.
        b.emu.set_clock_offset(-600)
        creds = self.session("expiring", 900)
        b.emu.set_clock_offset(400)
        done = b.aws(["sts", "get-caller-identity"], session_env(creds))
        self.assertEqual(cli_error(done), (
            "ExpiredToken",
            "The security token included in the request is expired"))

    def test_mfa_session_may_call_iam(self):
        b = self.b
        creds = self.session("iamsession")
        done = b.aws(["iam", "list-mfa-devices"], session_env(creds))
        self.assertEqual(len(cli_json(done)["MFADevices"]), 1)

    def test_session_without_mfa_refused_by_iam(self):
        b = self.b
        done = b.aws(["sts", "get-session-token"], b.long_term("nomfa"))
        creds = cli_json(done)["Credentials"]
        refused = b.aws(["iam", "list-mfa-devices"], session_env(creds))
        self.assertEqual(cli_error(refused)[0], "InvalidClientTokenId")
        again = b.aws(["sts", "get-session-token"], session_env(creds))
        self.assertEqual(cli_error(again), (
            "AccessDenied",
            "Cannot call GetSessionToken with session credentials"))

    def test_other_users_devices(self):
        b = self.b
        denied = b.aws(["iam", "list-mfa-devices", "--user-name", "pager"],
                       b.long_term("lookup"))
        code, message = cli_error(denied)
        self.assertEqual(code, "AccessDenied")
        self.assertIn(f"User: arn:aws:iam::{ACCOUNT}:user/lookup is not "
                      "authorized to perform: iam:ListMFADevices", message)
        missing = b.aws(["iam", "list-mfa-devices", "--user-name", "ghost"],
                        b.long_term("lookup"))
        self.assertEqual(cli_error(missing), (
            "NoSuchEntity", "The user with name ghost cannot be found."))

    def test_assume_role_with_mfa(self):
        b = self.b
        role = f"arn:aws:iam::{ACCOUNT}:role/ops"
        base = ["sts", "assume-role", "--role-arn", role,
                "--role-session-name", "night-shift"]
        refused = b.aws(base, b.long_term("roleuser"))
        self.assertEqual(cli_error(refused)[0], "AccessDenied")
        done = b.aws(base + ["--serial-number",
                             b.device("roleuser")["serial"],
                             "--token-code", b.code("roleuser")],
                     b.long_term("roleuser"))
        creds = cli_json(done)["Credentials"]
        who = cli_json(b.aws(["sts", "get-caller-identity"],
                             session_env(creds)))
        self.assertEqual(who["Arn"], f"arn:aws:sts::{ACCOUNT}:assumed-role/"
                         "ops/night-shift")


if __name__ == "__main__":
    unittest.main(verbosity=2)
