"""The emulator's AWS protocol checks, with hand-made requests: what a
client gets for a missing or broken signature, an Action of the wrong
service, bad parameters, MFA edge cases, and the shape of its XML."""

import calendar
import os
import sys
import time
import unittest
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from emutest import (ACCOUNT, FORM, Bench, call, send, signed,  # noqa: E402
                     user)

UNKNOWN_DEVICE = ("MultiFactorAuthentication failed, unable to validate MFA "
                  "code.  Please verify your MFA serial number is valid and "
                  "associated with this user.")
WRONG_CODE = ("MultiFactorAuthentication failed with invalid MFA one time "
              "pass code. ")
STS_NS = "{https://sts.amazonaws.com/doc/2011-06-15/}"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ops"
IAM_NS = "{https://iam.amazonaws.com/doc/2010-05-08/}"


class ProtocolTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bench = Bench([
            user("proto"), user("fido", ("fido",)),
            user("early"), user("late"), user("stale"), user("future"),
            user("hardy", ("hardware",)), user("half"), user("roler"),
        ], roles=[{"arn": ROLE, "trust": ["proto", "roler"],
                   "max_session_seconds": 3600}])

    @classmethod
    def tearDownClass(cls):
        cls.bench.close()

    def setUp(self):
        self.b = self.bench
        self.emu = self.b.emu
        self.emu.reset()

    def signed_identity(self):
        key = self.b.key("proto")
        return signed(self.emu, "sts", "GetCallerIdentity", {}, key["id"],
                      key["secret"])

    def session_token(self, name, serial=None, code=None):
        params = {}
        if serial is not None:
            params["SerialNumber"] = serial
        if code is not None:
            params["TokenCode"] = code
        return call(self.b, name, "sts", "GetSessionToken", params)

    def assertAwsError(self, answer, status, code, message=None):
        self.assertEqual((answer.status, answer.error()[0]), (status, code),
                         answer.body)
        if message is not None:
            self.assertEqual(answer.error()[1], message)

    def test_unsigned_request(self):
        body = urlencode({"Action": "GetCallerIdentity",
                          "Version": "2011-06-15"})
        answer = send(self.emu, {"Content-Type": FORM}, body)
        self.assertAwsError(answer, 403, "MissingAuthenticationToken",
                            "Request is missing Authentication Token")

    def test_incomplete_signature(self):
        headers, body = self.signed_identity()
        credential = headers["Authorization"].split(",")[0]
        headers["Authorization"] = credential
        answer = send(self.emu, headers, body)
        self.assertAwsError(answer, 400, "IncompleteSignature")
        self.assertTrue(answer.error()[1].startswith(
            "Authorization header requires 'Signature' parameter. "
            "Authorization header requires 'SignedHeaders' parameter. "))

    def test_body_changed_after_signing(self):
        headers, body = self.signed_identity()
        answer = send(self.emu, headers, body + b"&Extra=1")
        self.assertAwsError(answer, 403, "SignatureDoesNotMatch")

    def test_signed_header_changed(self):
        headers, body = self.signed_identity()
        headers["X-Amz-Date"] = headers["X-Amz-Date"][:-3] + "00Z"
        answer = send(self.emu, headers, body)
        self.assertAwsError(answer, 403, "SignatureDoesNotMatch")

    def test_action_of_the_other_service(self):
        key = self.b.key("proto")
        headers, body = signed(self.emu, "sts", "ListMFADevices", {},
                               key["id"], key["secret"],
                               version="2010-05-08")
        self.assertAwsError(
            send(self.emu, headers, body), 400, "InvalidAction",
            "Could not find operation ListMFADevices for version "
            "2010-05-08")

    def test_wrong_version(self):
        answer = call(self.b, "proto", "iam", "ListMFADevices",
                      version="2011-06-15")
        self.assertAwsError(answer, 400, "InvalidAction")

    def test_iam_scoped_to_a_region(self):
        answer = call(self.b, "proto", "iam", "GetUser", region="eu-west-1")
        self.assertAwsError(
            answer, 403, "SignatureDoesNotMatch",
            "Credential should be scoped to a valid region, not "
            "'eu-west-1'. ")

    def test_validation_errors_counted_and_worded(self):
        answer = call(self.b, "proto", "sts", "GetSessionToken", {
            "SerialNumber": "short", "TokenCode": "12a4567",
            "DurationSeconds": "200000"})
        self.assertAwsError(answer, 400, "ValidationError")
        message = answer.error()[1]
        self.assertTrue(message.startswith("4 validation errors detected: "))
        for part in (
                "Value '200000' at 'durationSeconds' failed to satisfy "
                "constraint: Member must have value less than or equal to "
                "129600",
                "Value 'short' at 'serialNumber' failed to satisfy "
                "constraint: Member must have length greater than or equal "
                "to 9",
                "Value '12a4567' at 'tokenCode' failed to satisfy "
                "constraint: Member must have length less than or equal "
                "to 6",
                "Value '12a4567' at 'tokenCode' failed to satisfy "
                "constraint: Member must satisfy regular expression "
                "pattern: [\\d]*"):
            self.assertIn(part, message)

    def test_required_member_missing(self):
        answer = call(self.b, "proto", "sts", "AssumeRole",
                      {"RoleSessionName": "x1"})
        self.assertAwsError(
            answer, 400, "ValidationError",
            "1 validation error detected: Value null at 'roleArn' failed "
            "to satisfy constraint: Member must not be null")

    def test_role_duration_over_its_maximum(self):
        answer = call(self.b, "proto", "sts", "AssumeRole", {
            "RoleArn": ROLE, "RoleSessionName": "long",
            "DurationSeconds": "7200"})
        self.assertAwsError(answer, 400, "ValidationError")

    def test_assume_role_logged_without_the_code(self):
        b = self.b
        serial = b.device("roler")["serial"]
        answer = call(b, "roler", "sts", "AssumeRole", {
            "RoleArn": ROLE, "RoleSessionName": "alice@bastion",
            "ExternalId": "ext:1/2", "SourceIdentity": "alice.smith",
            "DurationSeconds": "900", "SerialNumber": serial,
            "TokenCode": b.code("roler")})
        self.assertEqual(answer.status, 200, answer.body)
        self.assertEqual(answer.find("AssumeRoleResult/SourceIdentity"),
                         "alice.smith")
        [entry] = [e for e in self.emu.requests()
                   if e["action"] == "AssumeRole"]
        self.assertEqual(entry["params"], {
            "RoleArn": ROLE, "RoleSessionName": "alice@bastion",
            "ExternalId": "ext:1/2", "SourceIdentity": "alice.smith",
            "DurationSeconds": "900", "SerialNumber": serial})
        self.assertTrue(entry["has_token_code"])

    def test_source_identity_checked_against_the_model(self):
        answer = call(self.b, "proto", "sts", "AssumeRole", {
            "RoleArn": ROLE, "RoleSessionName": "s1",
            "SourceIdentity": "a b"})
        self.assertAwsError(answer, 400, "ValidationError")
        self.assertIn("Value 'a b' at 'sourceIdentity' failed to satisfy "
                      "constraint", answer.error()[1])

    def test_fido_key_gives_no_code(self):
        b = self.b
        answer = self.session_token("fido", b.device("fido")["serial"],
                                    "123456")
        self.assertAwsError(answer, 403, "AccessDenied", UNKNOWN_DEVICE)

    def test_serial_without_code(self):
        b = self.b
        answer = self.session_token("half", b.device("half")["serial"])
        self.assertAwsError(answer, 403, "AccessDenied", UNKNOWN_DEVICE)

    def test_codes_one_step_either_side_accepted(self):
        b = self.b
        for name, steps in (("early", -1), ("late", 1)):
            answer = self.session_token(name, b.device(name)["serial"],
                                        b.code(name, steps=steps))
            self.assertEqual(answer.status, 200, (name, answer.body))

    def test_codes_two_steps_away_refused(self):
        b = self.b
        for name, steps in (("stale", -2), ("future", 2)):
            code = b.code(name, steps=steps)
            if code in {b.code(name, steps=s) for s in (-1, 0, 1)}:
                continue  # the same digits in the window: not a test
            answer = self.session_token(name, b.device(name)["serial"],
                                        code)
            self.assertAwsError(answer, 403, "AccessDenied", WRONG_CODE)

    def test_moved_clock_drives_totp(self):
        b = self.b
        self.emu.set_clock_offset(600)
        answer = self.session_token("hardy", b.device("hardy")["serial"],
                                    b.code("hardy"))
        self.assertEqual(answer.status, 200, answer.body)

    def test_sts_xml_shape(self):
        answer = call(self.b, "proto", "sts", "GetCallerIdentity")
        self.assertEqual(answer.status, 200)
        self.assertEqual(answer.headers["Content-Type"], "text/xml")
        root = answer.xml()
        self.assertEqual(root.tag, STS_NS + "GetCallerIdentityResponse")
        self.assertEqual(
            [c.tag for c in root],
            [STS_NS + "GetCallerIdentityResult",
             STS_NS + "ResponseMetadata"])
        self.assertEqual(answer.find("ResponseMetadata/RequestId"),
                         answer.headers["x-amzn-RequestId"])
        self.assertEqual(answer.find("GetCallerIdentityResult/Account"),
                         ACCOUNT)
        self.assertIsNotNone(answer.headers["Date"])

    def test_error_xml_shape(self):
        answer = call(self.b, "proto", "iam", "GetUser",
                      {"UserName": "nobody"})
        root = answer.xml()
        self.assertEqual(root.tag, IAM_NS + "ErrorResponse")
        self.assertEqual([c.tag for c in root],
                         [IAM_NS + "Error", IAM_NS + "RequestId"])
        self.assertEqual([c.tag for c in root[0]],
                         [IAM_NS + n for n in ("Type", "Code", "Message")])
        self.assertEqual(answer.find("RequestId"),
                         answer.headers["x-amzn-RequestId"])

    def test_get_user(self):
        answer = call(self.b, "proto", "iam", "GetUser")
        self.assertEqual(answer.find("GetUserResult/User/Arn"),
                         f"arn:aws:iam::{ACCOUNT}:user/proto")
        self.assertTrue(answer.find("GetUserResult/User/UserId")
                        .startswith("AIDA"))


class FixtureOptionsTest(unittest.TestCase):
    """Fixture-wide answer styles: needs an emulator of its own."""

    @classmethod
    def setUpClass(cls):
        cls.bench = Bench([user("styled")], expiration_fraction=True,
                          wrap_session_token=True, max_session_seconds=1800)

    @classmethod
    def tearDownClass(cls):
        cls.bench.close()

    def test_fraction_wrapped_token_and_cap(self):
        b = self.bench
        issued_at = b.emu.now()
        answer = call(b, "styled", "sts", "GetSessionToken", {
            "SerialNumber": b.device("styled")["serial"],
            "TokenCode": b.code("styled"), "DurationSeconds": "3600"})
        self.assertEqual(answer.status, 200, answer.body)
        path = "GetSessionTokenResult/Credentials/"
        expiration = answer.find(path + "Expiration")
        self.assertRegex(expiration,
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        expires = calendar.timegm(time.strptime(expiration[:19],
                                                "%Y-%m-%dT%H:%M:%S"))
        self.assertAlmostEqual(expires, issued_at + 1800, delta=5)
        wrapped = answer.find(path + "SessionToken")
        self.assertIn("\n", wrapped)
        creds = {"AccessKeyId": answer.find(path + "AccessKeyId"),
                 "SecretAccessKey": answer.find(path + "SecretAccessKey"),
                 "SessionToken": "".join(wrapped.split())}
        who = call(b, None, "sts", "GetCallerIdentity", session=creds)
        self.assertEqual(who.status, 200, who.body)


if __name__ == "__main__":
    unittest.main(verbosity=2)
