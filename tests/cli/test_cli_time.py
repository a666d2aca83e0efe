"""Expiry shown and judged correctly whatever the user's time zone, across
daylight-saving changes: local times are checked against Python's
zoneinfo (an independent reading of the tz database), time left and the
expiry decision against plain UTC arithmetic."""

import datetime
import json
import os
import sys
import unittest
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clitest import Sessions, document, utc  # noqa: E402

ZONES = ("Europe/London", "Asia/Kolkata", "America/Los_Angeles")

# (what it is, issued, expires, now): each session spans a change of
# offset in at least one zone, with "now" on the other side of it.
CASES = [
    ("London springs forward at 01:00Z",
     "2026-03-28T20:00:00Z", "2026-03-29T08:00:00Z", "2026-03-29T00:30:00Z"),
    ("London falls back at 01:00Z: expiry's wall time is earlier than now's",
     "2026-10-24T13:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T00:45:00Z"),
    ("Los Angeles springs forward at 10:00Z",
     "2026-03-08T04:00:00Z", "2026-03-08T16:00:00Z", "2026-03-08T09:30:00Z"),
    ("Los Angeles falls back at 09:00Z",
     "2026-10-31T21:00:00Z", "2026-11-01T09:30:00Z", "2026-11-01T08:15:00Z"),
]


def local_text(epoch, zone):
    t = datetime.datetime.fromtimestamp(epoch, zoneinfo.ZoneInfo(zone))
    return t.strftime("%Y-%m-%d %H:%M:%S %Z (UTC%z)")


def local_rfc3339(epoch, zone):
    t = datetime.datetime.fromtimestamp(epoch, zoneinfo.ZoneInfo(zone))
    return t.isoformat()


def span(seconds):
    return f"{seconds // 3600}h {seconds // 60 % 60:02d}m {seconds % 60:02d}s"


class AcrossTimeZones(unittest.TestCase):
    def setUp(self):
        self.s = Sessions()
        self.addCleanup(self.s.close)

    def test_status_text(self):
        for what, issued, expires, now in CASES:
            self.s.write(document(utc(expires), utc(issued)))
            left = utc(expires) - utc(now)
            for zone in ZONES:
                with self.subTest(case=what, zone=zone):
                    done = self.s.run(["status"], now=utc(now), tz=zone)
                    self.assertEqual(done.returncode, 0, done.stderr)
                    lines = done.stdout.splitlines()
                    self.assertIn(f"Expires (UTC):   {expires}", lines)
                    self.assertIn("Expires (local): "
                                  + local_text(utc(expires), zone), lines)
                    self.assertIn(f"Time left:       {span(left)}", lines)

    def test_status_json(self):
        for what, issued, expires, now in CASES:
            self.s.write(document(utc(expires), utc(issued)))
            for zone in ZONES:
                with self.subTest(case=what, zone=zone):
                    done = self.s.run(["status", "--json"], now=utc(now),
                                      tz=zone)
                    answer = json.loads(done.stdout)
                    self.assertEqual(answer["expiration"], expires)
                    self.assertEqual(answer["expiration_local"],
                                     local_rfc3339(utc(expires), zone))
                    self.assertEqual(answer["seconds_left"],
                                     utc(expires) - utc(now))

    def test_expiry_decision_ignores_the_zone(self):
        for what, issued, expires, _ in CASES:
            for zone in ZONES:
                with self.subTest(case=what, zone=zone):
                    self.s.write(document(utc(expires), utc(issued)))
                    before = self.s.run(["credential-process"],
                                        now=utc(expires) - 1, tz=zone)
                    self.assertEqual(before.returncode, 0, before.stderr)
                    self.assertEqual(json.loads(before.stdout)["Expiration"],
                                     expires)
                    at = self.s.run(["credential-process"], now=utc(expires),
                                    tz=zone)
                    self.assertEqual((at.returncode, at.stdout), (1, ""))

    def test_local_offsets_are_the_zones(self):
        # Independent of zoneinfo: the offsets these zones are known to have
        # on either side of the London spring change.
        self.s.write(document(utc("2026-03-29T08:00:00Z"),
                              utc("2026-03-28T20:00:00Z")))
        want = {"Europe/London": "2026-03-29 09:00:00 BST (UTC+0100)",
                "Asia/Kolkata": "2026-03-29 13:30:00 IST (UTC+0530)",
                "America/Los_Angeles": "2026-03-29 01:00:00 PDT (UTC-0700)"}
        for zone, text in want.items():
            with self.subTest(zone=zone):
                done = self.s.run(["status"], tz=zone,
                                  now=utc("2026-03-29T00:30:00Z"))
                self.assertIn(f"Expires (local): {text}\n", done.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
