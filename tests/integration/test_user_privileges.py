"""key_source = user: a user's own AWS files are read with that user's
privileges, not root's (issue 6).  The module runs as root, the way sshd
and sudo run it, for a real non-root Linux user whose ~/.aws is found
through the user's passwd entry (the default user_aws_dir).

Each case holds a valid long-term key of an IAM user of its own, so a
file that should have stayed unreadable but was read would show as a
granted login, not as some other refusal.  After every login the
process's ids and groups must be root's again.

Root only: the user exists only in a private mount namespace
(tests/integration/namespace.py); nothing on the machine changes."""

import os
import re
import shutil
import stat
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import namespace  # noqa: E402
from harness import PAM, Bastion, iam_user  # noqa: E402

LINUX_USER = "ursula"
CASES = ("own", "locked", "linked-file", "linked-dir")
IDS = re.compile(r"^ids: uid (\d+) (\d+) (\d+) (\d+) gid (\d+) (\d+) (\d+) "
                 r"(\d+) groups(( \d+)*)$", re.M)


def iam_name(case):
    return f"{LINUX_USER}-{case}"


class UserPrivilegesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tables = namespace.UserTables()
        cls.addClassCleanup(cls.tables.close)
        cls.user = cls.tables.add([LINUX_USER])[LINUX_USER]
        cls.bastion = Bastion([iam_user(iam_name(c)) for c in CASES])
        cls.addClassCleanup(cls.bastion.close)
        # Nothing may come from a store: there is none.
        cls.bastion.config(key_source="user", credentials_file=os.path.join(
            cls.bastion.dir, "no-store"))
        cls.bastion.service()
        cls.aws_dir = os.path.join(cls.user["home"], ".aws")
        cls.root_only = os.path.join(cls.bastion.dir, "root-only")

    def setUp(self):
        self.b = self.bastion
        self.b.emu.reset()
        self.b.forget_sessions()
        for path in (self.aws_dir, self.root_only):
            if os.path.islink(path):
                os.unlink(path)
            shutil.rmtree(path, ignore_errors=True)
        os.mkdir(self.root_only, 0o700)

    def credentials_text(self, case):
        key = self.b.users[iam_name(case)]["keys"][0]
        return (f"[default]\naws_access_key_id = {key['id']}\n"
                f"aws_secret_access_key = {key['secret']}\n")

    def write(self, path, text, owner):
        """A 0600 file of owner's (a uid)."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chown(path, owner, owner)
        return path

    def users_aws_dir(self, path, mode=0o700):
        os.mkdir(path)
        os.chown(path, self.user["uid"], self.user["gid"])
        os.chmod(path, mode)

    def login(self, case):
        r = self.b.login([self.b.code(iam_name(case))], user=LINUX_USER,
                         session=True, ids=True)
        self.assertRootAgain(r)
        return r

    def assertRootAgain(self, r):
        """pamdrive's ids after pam_authenticate: real, effective, saved
        and filesystem uid and gid 0, and the groups it started with."""
        match = IDS.search(r.out)
        self.assertIsNotNone(match, r)
        self.assertEqual(match.groups()[:8], ("0",) * 8, r)
        self.assertEqual(sorted(int(g) for g in match.group(9).split()),
                         sorted(os.getgroups()), r)

    def assertRefused(self, r, reason, case):
        path = os.path.join(self.aws_dir, "credentials")
        self.assertEqual(r.rc, PAM["MAXTRIES"], r)
        self.assertIn(f"[error] Your AWS key cannot be used: {reason}", r.out)
        self.assertNotIn("AWS MFA code for", r.out)
        self.assertIn(f"user={LINUX_USER} outcome=denied "
                      f"reason=\"{reason}\"", r.syslog)
        self.assertIn(path, reason)
        self.assertEqual(self.b.emu.requests(), [])
        self.assertFalse(os.path.exists(self.session_file()))
        self.assertNotIn("AWS_ACCESS_KEY_ID", r.env)
        self.assertNotIn(iam_name(case), r.out + r.syslog)

    def session_file(self):
        return os.path.join(self.b.session_dir, str(self.user["uid"]),
                            "session.json")

    def test_own_files_in_own_private_folder_log_in(self):
        self.users_aws_dir(self.aws_dir)
        self.write(os.path.join(self.aws_dir, "credentials"),
                   self.credentials_text("own"), self.user["uid"])
        r = self.login("own")
        iam = iam_name("own")
        self.assertEqual(r.rc, PAM["SUCCESS"], r)
        self.assertIn(f"AWS MFA code for {iam} ", r.out)
        self.assertIn(f"user={LINUX_USER} iam_user={iam} ", r.syslog)
        self.assertIn("outcome=granted", r.syslog)
        [call] = self.b.calls("GetSessionToken")
        self.assertEqual(call["access_key_id"],
                         self.b.users[iam]["keys"][0]["id"])
        self.assertEqual(r.env["AWS_ACCESS_KEY_ID"][:4], "ASIA")
        st = os.lstat(self.session_file())
        self.assertEqual((st.st_uid, stat.S_IMODE(st.st_mode)),
                         (self.user["uid"], 0o600))

    def test_a_folder_the_user_cannot_enter_is_not_read_as_root(self):
        self.users_aws_dir(self.aws_dir)
        path = self.write(os.path.join(self.aws_dir, "credentials"),
                          self.credentials_text("locked"), self.user["uid"])
        os.chmod(self.aws_dir, 0o000)
        self.assertRefused(self.login("locked"),
                           f"cannot open {path}: Permission denied",
                           "locked")

    def test_credentials_linked_to_a_root_only_file_are_refused(self):
        self.users_aws_dir(self.aws_dir)
        target = self.write(os.path.join(self.root_only, "credentials"),
                            self.credentials_text("linked-file"), 0)
        path = os.path.join(self.aws_dir, "credentials")
        os.symlink(target, path)
        self.assertRefused(self.login("linked-file"),
                           f"{path} is a symbolic link", "linked-file")

    def test_aws_folder_linked_to_a_root_only_folder_is_not_read(self):
        """The link is the folder, so O_NOFOLLOW on the file does not
        apply, and the file there is the user's with mode 0600: only the
        user's privileges keep it closed."""
        self.write(os.path.join(self.root_only, "credentials"),
                   self.credentials_text("linked-dir"), self.user["uid"])
        os.symlink(self.root_only, self.aws_dir)
        path = os.path.join(self.aws_dir, "credentials")
        self.assertRefused(self.login("linked-dir"),
                           f"cannot open {path}: Permission denied",
                           "linked-dir")


if __name__ == "__main__":
    namespace.require_root(
        "reading a user's files with the user's privileges needs root and "
        "a real non-root user, added to a private /etc (an overlay) in a "
        "private mount namespace")
    namespace.enter()
    unittest.main(verbosity=2)
