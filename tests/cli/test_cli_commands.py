"""awsmfa status, env, credential-process, exec and path on valid,
expired, missing and unusable session files: exit statuses and the exact
stdout and stderr a user sees.  awsmfa runs as an ordinary user (nobody
when the tests run as root); the clock is set with AWSMFA_TEST_NOW."""

import json
import os
import re
import shutil
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clitest import (AWSMFA, KEY_ID, RENEW, SECRET, SERIAL,  # noqa: E402
                     TOKEN, TOP_SRCDIR, Sessions, document, utc)

EXPIRES = utc("2030-01-01T00:00:00Z")
ISSUED = utc("2029-12-31T12:00:00Z")
AN_HOUR_BEFORE = EXPIRES - 3600


def package_version():
    with open(os.path.join(TOP_SRCDIR, "configure.ac")) as f:
        return re.search(r"AC_INIT\(\[pam_awsmfa\], \[([^]]+)\]",
                         f.read()).group(1)


class Base(unittest.TestCase):
    def setUp(self):
        self.s = Sessions()
        self.addCleanup(self.s.close)

    def assertNoSecrets(self, done):
        for text in (done.stdout, done.stderr):
            for secret in (SECRET, TOKEN, KEY_ID):
                self.assertNotIn(secret, text)

    def none_message(self):
        return (f"awsmfa: no AWS session: {self.s.path} does not exist; "
                f"{RENEW}\n")


class ValidSession(Base):
    def setUp(self):
        super().setUp()
        self.s.write(document(EXPIRES, ISSUED, Region="eu-west-1"))

    def test_status(self):
        done = self.s.run(["status"], now=AN_HOUR_BEFORE + 30)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stderr, "")
        self.assertEqual(done.stdout,
                         "IAM user:        alice\n"
                         f"MFA device:      {SERIAL}\n"
                         f"Access key id:   {KEY_ID}\n"
                         "Region:          eu-west-1\n"
                         "Issued:          2029-12-31T12:00:00Z\n"
                         "Expires (UTC):   2030-01-01T00:00:00Z\n"
                         "Expires (local): 2030-01-01 00:00:00 UTC "
                         "(UTC+0000)\n"
                         "Time left:       0h 59m 30s\n")

    def test_status_json(self):
        done = self.s.run(["status", "--json"], now=AN_HOUR_BEFORE)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(json.loads(done.stdout), {
            "status": "valid", "session_file": self.s.path,
            "iam_user": "alice", "mfa_serial": SERIAL,
            "access_key_id": KEY_ID, "region": "eu-west-1",
            "role_arn": None, "issued": "2029-12-31T12:00:00Z",
            "expiration": "2030-01-01T00:00:00Z",
            "expiration_local": "2030-01-01T00:00:00+00:00",
            "seconds_left": 3600})
        self.assertNotIn(SECRET, done.stdout)
        self.assertNotIn(TOKEN, done.stdout)

    def test_status_without_region(self):
        self.s.write(document(EXPIRES, ISSUED))
        done = self.s.run(["status"], now=AN_HOUR_BEFORE)
        self.assertNotIn("Region", done.stdout)
        answer = json.loads(self.s.run(["status", "--json"],
                                       now=AN_HOUR_BEFORE).stdout)
        self.assertIsNone(answer["region"])

    def test_status_of_a_role_session(self):
        role = "arn:aws:iam::123456789012:role/ops"
        self.s.write(document(EXPIRES, ISSUED, RoleArn=role))
        done = self.s.run(["status"], now=AN_HOUR_BEFORE)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("IAM user:        alice\n"
                      f"Role:            {role}\n"
                      f"MFA device:      {SERIAL}\n", done.stdout)
        answer = json.loads(self.s.run(["status", "--json"],
                                       now=AN_HOUR_BEFORE).stdout)
        self.assertEqual(answer["role_arn"], role)

    def test_status_refuses_a_malformed_role(self):
        self.s.write(document(EXPIRES, ISSUED, RoleArn="ops role"))
        done = self.s.run(["status"], now=AN_HOUR_BEFORE)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("RoleArn is malformed", done.stderr)
        self.assertNotIn("ops role", done.stdout)

    def test_env(self):
        done = self.s.run(["env"], now=AN_HOUR_BEFORE)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stderr, "")
        self.assertEqual(done.stdout,
                         f"export AWS_ACCESS_KEY_ID='{KEY_ID}'\n"
                         f"export AWS_SECRET_ACCESS_KEY='{SECRET}'\n"
                         f"export AWS_SESSION_TOKEN='{TOKEN}'\n"
                         "export AWS_CREDENTIAL_EXPIRATION="
                         "'2030-01-01T00:00:00Z'\n"
                         "export AWS_REGION='eu-west-1'\n"
                         "export AWS_DEFAULT_REGION='eu-west-1'\n")

    def test_env_fish(self):
        self.s.write(document(EXPIRES, ISSUED))
        done = self.s.run(["env", "--fish"], now=AN_HOUR_BEFORE)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout,
                         f"set -gx AWS_ACCESS_KEY_ID '{KEY_ID}';\n"
                         f"set -gx AWS_SECRET_ACCESS_KEY '{SECRET}';\n"
                         f"set -gx AWS_SESSION_TOKEN '{TOKEN}';\n"
                         "set -gx AWS_CREDENTIAL_EXPIRATION "
                         "'2030-01-01T00:00:00Z';\n")

    def test_credential_process(self):
        done = self.s.run(["credential-process"], now=AN_HOUR_BEFORE)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stderr, "")
        self.assertEqual(done.stdout.count("\n"), 1)
        self.assertEqual(json.loads(done.stdout), {
            "Version": 1, "AccessKeyId": KEY_ID, "SecretAccessKey": SECRET,
            "SessionToken": TOKEN, "Expiration": "2030-01-01T00:00:00Z"})

    def test_exec_sets_the_credentials_over_the_environment(self):
        done = self.s.run(["exec", "--", "/usr/bin/env"], now=AN_HOUR_BEFORE,
                          env={"AWS_ACCESS_KEY_ID": "AKIAOLDLONGTERMKEY00",
                               "KEEP_ME": "kept"})
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.splitlines()
        self.assertIn(f"AWS_ACCESS_KEY_ID={KEY_ID}", lines)
        self.assertNotIn("AWS_ACCESS_KEY_ID=AKIAOLDLONGTERMKEY00", lines)
        self.assertIn(f"AWS_SECRET_ACCESS_KEY={SECRET}", lines)
        self.assertIn(f"AWS_SESSION_TOKEN={TOKEN}", lines)
        self.assertIn("AWS_CREDENTIAL_EXPIRATION=2030-01-01T00:00:00Z",
                      lines)
        self.assertIn("AWS_DEFAULT_REGION=eu-west-1", lines)
        self.assertIn("KEEP_ME=kept", lines)
        self.assertEqual(
            len([x for x in lines if x.startswith("AWS_ACCESS_KEY_ID=")]), 1)

    def test_exec_without_dashes_and_exit_status(self):
        done = self.s.run(["exec", "sh", "-c", "exit 7"], now=AN_HOUR_BEFORE)
        self.assertEqual(done.returncode, 7)

    def test_exec_command_is_an_ordinary_process(self):
        # awsmfa makes itself undumpable while it holds the secrets; the
        # command it runs is the user's ordinary process again (its /proc
        # files are the user's, not root's).
        done = self.s.run(["exec", "--", "stat", "-c", "%u",
                           "/proc/self/status"], now=AN_HOUR_BEFORE)
        self.assertEqual(done.stdout, f"{self.s.uid}\n", done.stderr)

    def test_exec_unknown_command(self):
        done = self.s.run(["exec", "--", "no-such-command-awsmfa"],
                          now=AN_HOUR_BEFORE)
        self.assertEqual(done.returncode, 127)
        self.assertEqual(done.stderr, "awsmfa: cannot run "
                         "no-such-command-awsmfa: No such file or directory\n")
        self.assertNoSecrets(done)

    def test_path(self):
        done = self.s.run(["path"])
        self.assertEqual((done.returncode, done.stdout), (0, self.s.path +
                                                          "\n"))

    def test_one_second_before_expiry_is_valid(self):
        done = self.s.run(["env"], now=EXPIRES - 1)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(self.s.exists())


class ExpiredSession(Base):
    def setUp(self):
        super().setUp()
        self.s.write(document(EXPIRES, ISSUED))
        self.message = ("awsmfa: the AWS session expired at "
                        f"2030-01-01T00:00:00Z; {RENEW}\n")

    def test_status(self):
        done = self.s.run(["status"], now=EXPIRES + 300)
        self.assertEqual(done.returncode, 1)
        self.assertEqual(done.stderr, self.message)
        self.assertIn("Time left:       none, expired 0h 05m 00s ago\n",
                      done.stdout)
        self.assertNotIn(SECRET, done.stdout)
        self.assertNotIn(TOKEN, done.stdout)
        # Expired by the test clock only: still valid by the real one, so
        # it is kept (a test clock never deletes a live session).
        self.assertTrue(self.s.exists(), "a session valid by the real "
                        "clock was removed")

    def test_year_zero_is_shown_with_four_digits(self):
        # The reader takes any four-digit year; what it took is shown back
        # in the same form.
        when = "0000-01-01T00:00:00Z"
        self.s.write(dict(document(EXPIRES, ISSUED), Expiration=when,
                          IssuedAt=when))
        done = self.s.run(["env"])
        self.assertEqual((done.returncode, done.stdout, done.stderr),
                         (1, "", f"awsmfa: the AWS session expired at {when}; "
                          f"{RENEW}\n"))

    def test_expired_by_the_real_clock_is_removed(self):
        past = int(time.time()) - 600
        self.s.write(document(past, past - 3600))
        done = self.s.run(["status"])
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertFalse(self.s.exists(), "expired file not removed")
        again = self.s.run(["status"])
        self.assertEqual(again.returncode, 2)
        self.assertEqual(again.stderr, self.none_message())

    def test_status_json(self):
        done = self.s.run(["status", "--json"], now=EXPIRES + 60)
        self.assertEqual(done.returncode, 1)
        answer = json.loads(done.stdout)
        self.assertEqual((answer["status"], answer["seconds_left"]),
                         ("expired", -60))

    def test_at_the_expiration_second_it_is_expired(self):
        done = self.s.run(["credential-process"], now=EXPIRES)
        self.assertEqual(done.returncode, 1)
        self.assertEqual(done.stdout, "")

    def test_refusals(self):
        for args in (["env"], ["env", "--fish"], ["credential-process"]):
            with self.subTest(args=args):
                self.s.write(document(EXPIRES, ISSUED))
                done = self.s.run(args, now=EXPIRES + 1)
                self.assertEqual(done.returncode, 1)
                self.assertEqual(done.stdout, "")
                self.assertEqual(done.stderr, self.message)
                self.assertTrue(self.s.exists())

    def test_exec_refuses_and_runs_nothing(self):
        marker = os.path.join(self.s.home, "ran")
        done = self.s.run(["exec", "--", "touch", marker], now=EXPIRES + 1)
        self.assertEqual(done.returncode, 1)
        self.assertEqual(done.stderr, self.message)
        self.assertFalse(os.path.exists(marker))

    def test_real_clock_sees_an_old_session_expired(self):
        self.s.write(document(utc("2020-01-01T00:00:00Z")))
        done = self.s.run(["env"])
        self.assertEqual(done.returncode, 1)
        self.assertEqual(done.stdout, "")

    def test_unsafe_expired_file_is_left_alone(self):
        self.s.write(document(EXPIRES, ISSUED), mode=0o644)
        done = self.s.run(["env"], now=EXPIRES + 1)
        self.assertEqual(done.returncode, 3)
        self.assertTrue(self.s.exists())


class NoSession(Base):
    def test_every_command(self):
        for args in (["status"], ["env"], ["credential-process"],
                     ["exec", "--", "true"]):
            with self.subTest(args=args):
                done = self.s.run(args)
                self.assertEqual(done.returncode, 2)
                self.assertEqual(done.stdout, "")
                self.assertEqual(done.stderr, self.none_message())

    def test_status_json(self):
        done = self.s.run(["status", "--json"])
        self.assertEqual(done.returncode, 2)
        self.assertEqual(json.loads(done.stdout),
                         {"status": "none", "session_file": self.s.path})

    def test_no_user_directory(self):
        os.rmdir(self.s.user_dir)
        done = self.s.run(["env"])
        self.assertEqual(done.returncode, 2)
        self.assertEqual(done.stderr, self.none_message())


class UnusableSession(Base):
    """Files awsmfa must refuse, saying why and never what they hold."""

    def refused(self, reason):
        """Every command refuses the file the same way."""
        marker = os.path.join(self.s.home, "ran")
        for args in (["status"], ["env"], ["env", "--fish"],
                     ["credential-process"], ["exec", "--", "touch", marker]):
            with self.subTest(args=args):
                done = self.s.run(args, now=AN_HOUR_BEFORE)
                self.assertEqual(done.returncode, 3, done.stderr)
                self.assertEqual(done.stdout, "")
                self.assertEqual(done.stderr,
                                 "awsmfa: the session file cannot be used: "
                                 f"{reason}; log in again or run sudo -v to "
                                 "replace it\n")
                self.assertNoSecrets(done)
                self.assertTrue(self.s.exists(),
                                "an unusable file was removed")
        self.assertFalse(os.path.exists(marker))

    def test_corrupt(self):
        self.s.write(json.dumps(document(EXPIRES))[:-20])
        self.refused(f"{self.s.path} is not a JSON object")

    def test_not_an_object(self):
        self.s.write(json.dumps([SECRET, TOKEN]))
        self.refused(f"{self.s.path} is not a JSON object")

    def test_empty(self):
        self.s.write("")
        self.refused(f"{self.s.path} is not a JSON object")

    def test_missing_field(self):
        self.s.write(document(EXPIRES, SessionToken=None))
        self.refused(f"{self.s.path}: SessionToken is missing or malformed")

    def test_token_with_a_space(self):
        self.s.write(document(EXPIRES, SessionToken=TOKEN + " x"))
        self.refused(f"{self.s.path}: SessionToken is missing or malformed")

    def test_wrong_version(self):
        self.s.write(document(EXPIRES, Version=2))
        self.refused(f"{self.s.path}: Version is not 1")

    def test_bad_expiration(self):
        self.s.write(document(EXPIRES, Expiration="tomorrow"))
        self.refused(f"{self.s.path}: Expiration is missing or not an "
                     "ISO 8601 UTC time")

    def test_world_readable(self):
        self.s.write(document(EXPIRES), mode=0o644)
        self.refused(f"{self.s.path} has mode 0644; the bits 7777 must be "
                     "0600")

    def test_group_readable(self):
        self.s.write(document(EXPIRES), mode=0o640)
        self.refused(f"{self.s.path} has mode 0640; the bits 7777 must be "
                     "0600")
        done = self.s.run(["status", "--json"])
        self.assertEqual(done.returncode, 3)
        self.assertEqual(json.loads(done.stdout),
                         {"status": "unusable", "session_file": self.s.path})

    def test_symbolic_link(self):
        target = os.path.join(self.s.user_dir, "elsewhere.json")
        self.s.write(document(EXPIRES))
        os.rename(self.s.path, target)
        os.symlink(target, self.s.path)
        self.refused(f"{self.s.path} is a symbolic link")

    def test_directory(self):
        os.mkdir(self.s.path)
        self.refused(f"{self.s.path} is not a regular file")

    @unittest.skipUnless(os.geteuid() == 0, "planting a file owned by "
                         "another user needs root")
    def test_foreign_owned_and_readable(self):
        self.s.write(document(EXPIRES), mode=0o644, owner=0)
        self.refused(f"{self.s.path} is owned by uid 0; it must be owned by "
                     f"uid {self.s.uid}")

    @unittest.skipUnless(os.geteuid() == 0, "planting a file owned by "
                         "another user needs root")
    def test_foreign_owned_private(self):
        self.s.write(document(EXPIRES), mode=0o600, owner=0)
        self.refused(f"cannot open {self.s.path}: Permission denied")

    @unittest.skipUnless(os.geteuid() == 0, "planting a file owned by "
                         "another user needs root")
    def test_foreign_owned_expired_is_not_removed(self):
        self.s.write(document(EXPIRES), mode=0o644, owner=0)
        done = self.s.run(["status"], now=EXPIRES + 100)
        self.assertEqual(done.returncode, 3)
        self.assertTrue(self.s.exists())


class CommandLine(Base):
    def test_help(self):
        for args in (["--help"], ["-h"], ["status", "--help"]):
            done = self.s.run(args)
            self.assertEqual(done.returncode, 0)
            self.assertTrue(done.stdout.startswith(
                "Usage: awsmfa [--session-dir DIR] [--config FILE] COMMAND"))
            for command in ("status", "env", "credential-process", "exec",
                            "path"):
                self.assertIn(f"  {command}", done.stdout)

    def test_version(self):
        done = self.s.run(["--version"])
        self.assertEqual((done.returncode, done.stdout),
                         (0, f"awsmfa (pam_awsmfa) {package_version()}\n"))

    def test_usage_errors(self):
        cases = {
            (): "awsmfa: no command given (status, env, "
                "credential-process, exec or path)\n",
            ("exec",): "awsmfa: exec needs a command to run\n",
            ("exec", "--"): "awsmfa: exec needs a command to run\n",
            ("frobnicate",): "awsmfa: unknown command: frobnicate\n",
            ("--bogus", "status"): "awsmfa: unknown option: --bogus\n",
            ("status", "--fish"): "awsmfa: unexpected argument: --fish\n",
            ("credential-process", "x"): "awsmfa: unexpected argument: x\n",
            ("--session-dir",): "awsmfa: option needs a value: "
                                "--session-dir\n",
        }
        for args, message in cases.items():
            with self.subTest(args=args):
                done = self.s.run(list(args))
                self.assertEqual(done.returncode, 64)
                self.assertEqual(done.stdout, "")
                self.assertEqual(done.stderr,
                                 message + "Try 'awsmfa --help'.\n")

    @unittest.skipUnless(os.geteuid() == 0, "making a set-user-ID copy "
                         "needs root")
    def test_refuses_to_run_set_user_id(self):
        self.s.write(document(EXPIRES))
        copy = os.path.join(self.s.top, "awsmfa-setuid")
        shutil.copy(AWSMFA, copy)
        os.chmod(copy, 0o4755)
        done = self.s.run(["credential-process"], now=AN_HOUR_BEFORE,
                          program=[copy])
        self.assertEqual(done.returncode, 4)
        self.assertEqual(done.stdout, "")
        self.assertEqual(done.stderr, "awsmfa: refusing to run set-user-ID "
                         "or set-group-ID; ask the administrator to install "
                         "it without\n")

    def test_bad_test_clock_is_an_error_not_the_real_clock(self):
        self.s.write(document(EXPIRES))
        done = self.s.run(["env"], env={"AWSMFA_TEST_NOW": "soon"})
        self.assertEqual(done.returncode, 4)
        self.assertEqual(done.stdout, "")
        self.assertEqual(done.stderr, "awsmfa: AWSMFA_TEST_NOW must be a "
                         "number of seconds since the epoch (it is meant "
                         "for tests)\n")


class WhereTheSessionIs(Base):
    """--session-dir beats AWSMFA_SESSION_DIR, which beats the module's
    config file."""

    def config(self, text, mode=0o644):
        path = os.path.join(self.s.top, "pam_awsmfa.conf")
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def test_option_beats_variable(self):
        done = self.s.run(["--session-dir", "/nonexistent", "path"])
        self.assertEqual(done.stdout, f"/nonexistent/{self.s.uid}/"
                         "session.json\n")
        done = self.s.run(["--session-dir=/elsewhere", "path"])
        self.assertEqual(done.stdout, f"/elsewhere/{self.s.uid}/"
                         "session.json\n")

    def test_config_file(self):
        self.s.write(document(EXPIRES))
        path = self.config(f"# test\nsession_dir = {self.s.dir}\n")
        done = self.s.run(["--config", path, "credential-process"],
                          now=AN_HOUR_BEFORE,
                          env={"AWSMFA_SESSION_DIR": ""})
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(json.loads(done.stdout)["SessionToken"], TOKEN)

    def test_config_file_default_session_dir(self):
        path = self.config("region = eu-west-1\n")
        done = self.s.run(["--config", path, "path"],
                          env={"AWSMFA_SESSION_DIR": ""})
        self.assertEqual(done.stdout,
                         f"/run/pam_awsmfa/{self.s.uid}/session.json\n")

    def test_bad_config_file(self):
        path = self.config("session_dri = /tmp\n")
        done = self.s.run(["--config", path, "env"],
                          env={"AWSMFA_SESSION_DIR": ""})
        self.assertEqual(done.returncode, 4)
        self.assertEqual(done.stdout, "")
        self.assertTrue(done.stderr.startswith(
            "awsmfa: cannot read the module's settings: "), done.stderr)
        self.assertTrue(done.stderr.endswith(
            "; ask the administrator, or give --session-dir\n"))
        self.assertIn("session_dri", done.stderr)

    def test_relative_config_path(self):
        done = self.s.run(["--config", "pam_awsmfa.conf", "path"],
                          env={"AWSMFA_SESSION_DIR": ""})
        self.assertEqual((done.returncode, done.stdout, done.stderr),
                         (64, "", "awsmfa: --config needs an absolute path\n"
                          "Try 'awsmfa --help'.\n"))

    def test_relative_session_dir(self):
        # The caller's option or variable: a usage error (64), for every
        # command, before anything is read.
        usage = "Try 'awsmfa --help'.\n"
        for command in ("path", "status", "env"):
            done = self.s.run(["--session-dir", "sessions", command])
            self.assertEqual(
                (done.returncode, done.stdout, done.stderr),
                (64, "", "awsmfa: --session-dir needs an absolute path\n"
                 + usage))
        done = self.s.run(["--session-dir=./sessions", "path"])
        self.assertEqual((done.returncode, done.stderr),
                         (64, "awsmfa: --session-dir needs an absolute "
                          "path\n" + usage))
        done = self.s.run(["path"], env={"AWSMFA_SESSION_DIR": "sessions"})
        self.assertEqual(
            (done.returncode, done.stdout, done.stderr),
            (64, "", "awsmfa: AWSMFA_SESSION_DIR needs an absolute path\n"
             + usage))

    def test_empty_option_falls_back_to_the_variable(self):
        done = self.s.run(["--session-dir=", "path"])
        self.assertEqual(done.stdout, self.s.path + "\n")

    @unittest.skipUnless(os.geteuid() == 0, "needs a file the test user "
                         "cannot read")
    def test_unreadable_config_file(self):
        path = self.config(f"session_dir = {self.s.dir}\n", mode=0o600)
        done = self.s.run(["--config", path, "env"],
                          env={"AWSMFA_SESSION_DIR": ""})
        self.assertEqual(done.returncode, 4)
        self.assertEqual(done.stderr,
                         "awsmfa: cannot read the module's settings: cannot "
                         f"open {path}: Permission denied; ask the "
                         "administrator, or give --session-dir\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)
