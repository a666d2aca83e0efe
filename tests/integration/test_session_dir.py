"""The session directory is checked before the code is asked: a problem
that would stop the session file being written refuses the login at once
(PAM_MAXTRIES, so sshd does not ask again), before any prompt or AWS
call, with a message for the operator and a log line naming the path and
the problem.  The test user is root (uid 0); "someone else" is uid 1."""

import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PAM, Bastion, BastionCase, iam_user  # noqa: E402

TOLD = ("[error] MFA login cannot keep AWS sessions on this server. Ask "
        "the administrator to check the system log.")


class SessionDirTest(BastionCase):

    @classmethod
    def make_bastion(cls):
        return Bastion([iam_user("alice")])

    def setUp(self):
        super().setUp()
        self.b.map_to("alice")
        self.user_dir = os.path.dirname(self.b.session_file())

    def tearDown(self):
        self.b.forget_sessions()

    def make_dirs(self, path):
        """The session folders as the module makes them, then path."""
        os.mkdir(self.b.session_dir, 0o755)
        os.chmod(self.b.session_dir, 0o755)
        os.mkdir(self.user_dir, 0o700)
        if path != self.user_dir:
            os.mkdir(path)

    def refused_before_prompt(self, *log_parts):
        r = self.b.login([self.b.code("alice")])
        self.assertEqual(r.rc, PAM["MAXTRIES"], r)
        self.assertIn(TOLD, r.out)
        self.assertNotIn("[echo off]", r.out)
        self.assertEqual(self.b.emu.requests(), [], r)
        self.assertIn("outcome=error", r.syslog)
        for part in log_parts:
            self.assertIn(part, r.syslog)
        self.assertNotIn("AWS_SESSION_TOKEN", r.env)
        return r

    def test_root_owned_by_someone_else(self):
        os.mkdir(self.b.session_dir, 0o755)
        os.chown(self.b.session_dir, 1, 1)
        self.refused_before_prompt(
            f"{self.b.session_dir} is owned by uid 1, not by root")

    def test_user_dir_owned_by_someone_else(self):
        self.make_dirs(self.user_dir)
        os.chown(self.user_dir, 1, 1)
        self.refused_before_prompt(
            f"{self.user_dir} is owned by uid 1 with mode 0700; it must be "
            f"owned by uid 0 with mode 0700")

    def test_user_dir_is_a_symbolic_link(self):
        elsewhere = os.path.join(self.b.dir, "elsewhere")
        os.mkdir(elsewhere, 0o700)
        os.mkdir(self.b.session_dir, 0o755)
        os.symlink(elsewhere, self.user_dir)
        try:
            self.refused_before_prompt(
                f"{self.user_dir}: not a directory, or a symbolic link")
            self.assertEqual(os.listdir(elsewhere), [])
        finally:
            shutil.rmtree(elsewhere)

    def test_session_file_is_a_directory(self):
        self.make_dirs(self.b.session_file())
        self.refused_before_prompt(
            f"{self.b.session_file()} is a directory: no session file can "
            f"be written in its place")

    def test_root_others_cannot_pass(self):
        # Mode 0700: the login would succeed, and then awsmfa, run as the
        # user, could not open the file.
        for mode in (0o700, 0o750):
            os.mkdir(self.b.session_dir)
            os.chmod(self.b.session_dir, mode)
            self.refused_before_prompt(
                f"{self.b.session_dir} has mode {mode:04o}: users cannot "
                f"pass through it to their session folders")
            self.b.forget_sessions()

    def test_parent_others_cannot_pass(self):
        parent = os.path.join(self.b.dir, "private")
        os.mkdir(parent, 0o700)
        os.chmod(parent, 0o700)
        try:
            self.b.config(session_dir=os.path.join(parent, "sessions"))
            self.refused_before_prompt(f"{parent} has mode 0700: users "
                                       f"cannot pass through it")
        finally:
            shutil.rmtree(parent)

    def test_missing_parent(self):
        missing = os.path.join(self.b.dir, "no", "sessions")
        self.b.config(session_dir=missing)
        self.refused_before_prompt(
            f"cannot create {missing}: No such file or directory")

    def test_a_session_file_or_link_in_place_is_replaced(self):
        # What the write replaces (a file, a link: never followed) is no
        # reason to refuse.
        self.make_dirs(self.user_dir)
        target = os.path.join(self.b.dir, "target")
        with open(target, "w") as f:
            f.write("untouched")
        os.symlink(target, self.b.session_file())
        try:
            r = self.b.login([self.b.code("alice")])
            self.assertEqual(r.rc, PAM["SUCCESS"], r)
            self.assertFalse(os.path.islink(self.b.session_file()))
            self.assertEqual(self.b.read_session()["IamUser"], "alice")
            with open(target) as f:
                self.assertEqual(f.read(), "untouched")
        finally:
            os.unlink(target)


if __name__ == "__main__":
    unittest.main(verbosity=2)
