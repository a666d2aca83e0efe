"""The emulator's faults and control endpoint, seen from plain Python
(http.client and ssl), as a client with no AWS library would see them."""

import calendar
import http.client
import json
import os
import socket
import ssl
import sys
import time
import unittest
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from emutest import Bench, call, connect, send, signed, user  # noqa: E402

IDENTITY = ("sts", "GetCallerIdentity")


class FaultsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bench = Bench([user("faulty"), user("issuer"), user("expired"),
                           user("missing"), user("secrets"),
                           user("hostile")])

    @classmethod
    def tearDownClass(cls):
        cls.bench.close()

    def setUp(self):
        self.b = self.bench
        self.emu = self.b.emu
        self.emu.reset()

    def identity(self, **options):
        return call(self.b, "faulty", *IDENTITY, **options)

    def session_token(self, name):
        b = self.b
        return call(b, name, "sts", "GetSessionToken", {
            "SerialNumber": b.device(name)["serial"],
            "TokenCode": b.code(name), "DurationSeconds": "900"})

    def test_no_fault_answers_normally(self):
        answer = self.identity()
        self.assertEqual(answer.status, 200)
        self.assertTrue(answer.find("GetCallerIdentityResult/Arn")
                        .endswith(":user/faulty"))

    def test_delay_then_normal_answer(self):
        self.emu.set_faults([{"match": "GetCallerIdentity", "kind": "delay",
                              "seconds": 1.0}])
        start = time.monotonic()
        answer = self.identity()
        self.assertGreaterEqual(time.monotonic() - start, 1.0)
        self.assertEqual(answer.status, 200)

    def test_status_faults_are_aws_errors(self):
        self.emu.set_faults([{"kind": "status", "status": 500},
                             {"kind": "status", "status": 503}])
        first, second = self.identity(), self.identity()
        self.assertEqual((first.status, first.error()[0]),
                         (500, "InternalFailure"))
        self.assertEqual((second.status, second.error()[0]),
                         (503, "ServiceUnavailable"))
        self.assertEqual(first.find("Error/Type"), "Receiver")
        self.assertEqual(first.find("RequestId"),
                         first.headers["x-amzn-RequestId"])
        self.assertEqual(self.identity().status, 200)

    def test_throttle(self):
        self.emu.set_faults([{"match": "*", "kind": "throttle"}])
        answer = self.identity()
        self.assertEqual(answer.status, 400)
        self.assertEqual(answer.error(), ("Throttling", "Rate exceeded"))
        self.assertEqual(answer.find("Error/Type"), "Sender")

    def test_fault_matches_its_action_only_count_times(self):
        self.emu.set_faults([{"match": "GetSessionToken",
                              "kind": "throttle", "count": 2}])
        self.assertEqual(self.identity().status, 200)
        self.assertEqual(self.session_token("faulty").status, 400)
        self.assertEqual(self.session_token("faulty").status, 400)
        self.assertEqual(self.emu.pending_faults(), [])
        self.assertEqual(self.session_token("faulty").status, 200)

    def test_close_before_answer(self):
        self.emu.set_faults([{"kind": "close"}])
        with self.assertRaises(http.client.RemoteDisconnected):
            self.identity()
        log = self.emu.requests()
        self.assertEqual((log[0]["fault"], log[0]["status"]), ("close", None))

    def test_hang_blocks_only_its_own_connection(self):
        self.emu.set_faults([{"kind": "hang"}])
        headers, body = signed(self.emu, *IDENTITY, {},
                               self.b.key("faulty")["id"],
                               self.b.key("faulty")["secret"])
        with self.assertRaises(socket.timeout):
            send(self.emu, headers, body, timeout=1)
        start = time.monotonic()
        self.assertEqual(self.identity().status, 200)
        self.assertLess(time.monotonic() - start, 1)

    def test_truncated_body(self):
        self.emu.set_faults([{"kind": "truncate"}])
        headers, body = signed(self.emu, *IDENTITY, {},
                               self.b.key("faulty")["id"],
                               self.b.key("faulty")["secret"])
        connection = connect(self.emu)
        connection.request("POST", "/", body=body, headers=headers)
        response = connection.getresponse()
        declared = int(response.headers["Content-Length"])
        with self.assertRaises(http.client.IncompleteRead) as caught:
            response.read()
        self.assertEqual(len(caught.exception.partial), declared // 2)
        connection.close()

    def test_garbage_body(self):
        self.emu.set_faults([{"kind": "garbage"}])
        answer = self.identity()
        self.assertEqual(answer.status, 200)
        with self.assertRaises(ET.ParseError):
            answer.xml()

    def test_empty_body(self):
        self.emu.set_faults([{"kind": "empty"}])
        answer = self.identity()
        self.assertEqual((answer.status, answer.body), (200, b""))

    def test_oversize_body(self):
        self.emu.set_faults([{"kind": "oversize"}])
        answer = self.identity()
        self.assertEqual(answer.status, 200)
        self.assertGreater(len(answer.body), 10 * 1024 * 1024)
        self.assertEqual(int(answer.headers["Content-Length"]),
                         len(answer.body))

    def test_missing_credentials(self):
        self.emu.set_faults([{"match": "GetSessionToken",
                              "kind": "missing_credentials"}])
        answer = self.session_token("missing")
        self.assertEqual(answer.status, 200)
        self.assertEqual(answer.xml().tag.split("}")[-1],
                         "GetSessionTokenResponse")
        self.assertIsNone(answer.find(
            "GetSessionTokenResult/Credentials"))
        self.assertIsNotNone(answer.find("ResponseMetadata/RequestId"))

    def test_past_expiration_then_expired_token(self):
        self.emu.set_faults([{"match": "GetSessionToken",
                              "kind": "past_expiration"}])
        answer = self.session_token("expired")
        self.assertEqual(answer.status, 200)
        expiration = answer.find("GetSessionTokenResult/Credentials/"
                                 "Expiration")
        issued = time.strptime(expiration, "%Y-%m-%dT%H:%M:%SZ")
        ago = self.emu.now() - calendar.timegm(issued)
        self.assertAlmostEqual(ago, 3600, delta=10)
        creds = {k: answer.find(f"GetSessionTokenResult/Credentials/{k}")
                 for k in ("AccessKeyId", "SecretAccessKey",
                           "SessionToken")}
        refused = call(self.b, None, *IDENTITY, session=creds)
        self.assertEqual(refused.status, 403)
        self.assertEqual(refused.error()[0], "ExpiredToken")

    def test_credentials_fields_replaced(self):
        hostile = "abc\nLD_PRELOAD=/tmp/x\tq\u00e9"
        self.emu.set_faults([{"match": "GetSessionToken",
                              "kind": "credentials",
                              "fields": {"SecretAccessKey": hostile}}])
        answer = self.session_token("hostile")
        self.assertEqual(answer.status, 200)
        creds = "GetSessionTokenResult/Credentials/"
        self.assertEqual(answer.find(creds + "SecretAccessKey"), hostile)
        self.assertTrue(answer.find(creds + "AccessKeyId").startswith("ASIA"))
        self.assertTrue(answer.find(creds + "SessionToken"))
        self.assertEqual(self.emu.pending_faults(), [])

    def test_credentials_fault_needs_known_fields(self):
        for fields in (None, {}, {"Password": "x"},
                       {"SecretAccessKey": 5}):
            with self.assertRaises(RuntimeError):
                self.emu.set_faults([{"kind": "credentials",
                                      "fields": fields}])
        self.assertEqual(self.emu.pending_faults(), [])

    def test_wrong_cert_for_the_next_handshake(self):
        self.emu.set_faults([{"kind": "wrong_cert"}])
        context = ssl.create_default_context(cafile=self.emu.ca_file)
        raw = socket.create_connection(("127.0.0.1", self.emu.port))
        # No SNI is sent to an IP address: the swap must happen anyway.
        with self.assertRaises(ssl.SSLCertVerificationError) as caught:
            context.wrap_socket(raw, server_hostname="127.0.0.1")
        raw.close()
        self.assertIn("127.0.0.1", caught.exception.verify_message)
        self.assertEqual(self.identity().status, 200)

    def test_wrong_cert_names_wrong_host_only(self):
        self.emu.set_faults([{"kind": "wrong_cert"}])
        context = ssl.create_default_context(cafile=self.emu.ca_file)
        context.check_hostname = False
        with socket.create_connection(("127.0.0.1", self.emu.port)) as raw:
            with context.wrap_socket(raw) as tls:
                names = tls.getpeercert()["subjectAltName"]
        self.assertEqual(names, (("DNS", "wrong.invalid"),))

    def test_other_ca_does_not_vouch_for_server(self):
        context = ssl.create_default_context(cafile=self.emu.other_ca_file)
        raw = socket.create_connection(("127.0.0.1", self.emu.port))
        with self.assertRaises(ssl.SSLCertVerificationError) as caught:
            context.wrap_socket(raw, server_hostname="127.0.0.1")
        raw.close()
        self.assertIn("unable to get local issuer certificate",
                      caught.exception.verify_message)

    def test_unknown_fault_refused_by_control(self):
        with self.assertRaises(RuntimeError):
            self.emu.set_faults([{"kind": "meltdown"}])
        with self.assertRaises(RuntimeError):
            self.emu.set_faults([{"kind": "delay"}])
        self.assertEqual(self.emu.pending_faults(), [])

    def test_reset_forgets_faults_clock_and_log(self):
        self.identity()
        self.emu.set_faults([{"kind": "throttle"}])
        self.emu.set_clock_offset(5000)
        self.emu.reset()
        self.assertEqual(self.emu.pending_faults(), [])
        self.assertEqual(self.emu.requests(), [])
        self.assertEqual(self.identity().status, 200)

    def test_clock_moves_date_header(self):
        self.emu.set_clock_offset(-7200)
        # Signed at the real time: refused as skewed, with the emulator's
        # own time in Date (as AWS's answer shows AWS's time).
        answer = self.identity()
        self.assertEqual((answer.status, answer.error()[0]),
                         (403, "SignatureDoesNotMatch"))
        date = parsedate_to_datetime(answer.headers["Date"])
        self.assertAlmostEqual(date.timestamp(), time.time() - 7200,
                               delta=5)

    def test_log_counts_connections(self):
        headers, body = signed(self.emu, *IDENTITY, {},
                               self.b.key("faulty")["id"],
                               self.b.key("faulty")["secret"])
        connection = connect(self.emu)
        for _ in range(2):
            send(self.emu, headers, body, connection=connection)
        connection.close()
        self.identity()
        log = self.emu.requests()
        self.assertEqual([e["new_connection"] for e in log],
                         [True, False, True])
        self.assertEqual(log[0]["connection"], log[1]["connection"])
        self.assertEqual(log[0]["access_key_id"], self.b.key("faulty")["id"])
        self.assertEqual(log[0]["request_id"],
                         log[0]["request_id"].lower())

    def test_control_only_by_path(self):
        self.emu.set_clock_offset(60)
        self.emu.set_faults([{"match": "ListMFADevices", "kind": "close"}])
        for action in ("Reset", "reset"):
            answer = call(self.b, "faulty", "sts", action)
            self.assertEqual(answer.error(), (
                "InvalidAction",
                f"Could not find operation {action} for version "
                "2011-06-15"))
        self.assertEqual(len(self.emu.pending_faults()), 1)
        self.assertEqual(self.emu.clock()["offset"], 60)
        answer = call(self.b, "faulty", *IDENTITY)
        self.assertEqual(answer.status, 200)

    def test_log_never_holds_secrets(self):
        b = self.b
        code = b.code("secrets")
        answer = call(b, "secrets", "sts", "GetSessionToken", {
            "SerialNumber": b.device("secrets")["serial"],
            "TokenCode": code})
        token = answer.find("GetSessionTokenResult/Credentials/SessionToken")
        secret = answer.find(
            "GetSessionTokenResult/Credentials/SecretAccessKey")
        self.assertTrue(token and secret)
        with open(self.emu.log_file) as f:
            logged = f.read()
        logged += json.dumps(self.emu.requests())
        for forbidden in (code, token, secret, b.key("secrets")["secret"]):
            self.assertNotIn(forbidden, logged)
        self.assertIn(b.device("secrets")["serial"], logged)


def wait_until(condition, timeout=10):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)


class LifecycleTest(unittest.TestCase):
    """Start and stop, even with a hung request: needs its own emulator."""

    def test_starts_fast_and_stops_despite_hang(self):
        start = time.monotonic()
        bench = Bench([user("life")])
        self.assertLess(time.monotonic() - start, 3)
        try:
            bench.emu.set_faults([{"kind": "hang"}])
            headers, body = signed(bench.emu, *IDENTITY, {},
                                   bench.key("life")["id"],
                                   bench.key("life")["secret"])
            hung = connect(bench.emu, timeout=30)
            hung.request("POST", "/", body=body, headers=headers)
            wait_until(lambda: bench.emu.pending_faults() == [])
            start = time.monotonic()
        finally:
            bench.close()
        self.assertLess(time.monotonic() - start, 3)
        with self.assertRaises((http.client.HTTPException, OSError)):
            hung.getresponse()
        hung.close()
        self.assertFalse(os.path.exists(bench.dir))


if __name__ == "__main__":
    unittest.main(verbosity=2)
