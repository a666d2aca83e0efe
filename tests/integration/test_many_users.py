"""Fifty logins of fifty different Linux users at once, through the real
PAM stack (pamdrive): one credentials store with fifty sections, one
emulator with fifty IAM users, each with a device seed of its own.  Every
login succeeds and leaves a session file of its own: in a 0700 folder of
the user's, owned by the user, mode 0600, holding that login's
credentials.  Meanwhile readers keep opening all fifty files and must only
ever see complete JSON (each file is replaced atomically).

Root only: the fifty Linux users exist only in a private mount namespace
(tests/integration/namespace.py); nothing on the machine changes."""

import json
import os
import stat
import subprocess
import sys
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import namespace  # noqa: E402
from harness import (PAM, PAMDRIVE, SHIM, Bastion, iam_user,  # noqa: E402
                     wrapper)

USERS = 50
READERS = 2
PROMPT = "AWS MFA code for "
# The module's time budget for a login's AWS calls: fifty logins share a
# few CPUs, and valgrind makes each one tens of times slower.
AWS_TIMEOUT = 300 if wrapper() else 30


def read_json(path):
    with open(path) as f:
        return json.load(f)


class Login:
    """One pamdrive run for one Linux user; the code is computed when the
    prompt appears, so a slow start never makes it stale."""

    def __init__(self, test, linux):
        self.test = test
        self.linux = linux
        self.folder = os.path.join(test.bastion.dir, "logins", linux)
        os.makedirs(self.folder, 0o700)
        self.env_file = os.path.join(self.folder, "env")
        self.syslog_file = os.path.join(self.folder, "syslog")
        self.stderr_file = os.path.join(self.folder, "stderr")

    def run(self):
        b = self.test.bastion
        cmd = wrapper() + [PAMDRIVE, "--confdir", b.confdir,
                           "--service", self.test.service,
                           "--user", self.linux, "--env-file", self.env_file,
                           "--session"]
        env = dict(os.environ, LD_PRELOAD=SHIM,
                   AWSMFA_TEST_SYSLOG=self.syslog_file)
        with open(self.stderr_file, "w") as err:
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=err,
                                    text=True, env=env)
            watchdog = threading.Timer(2 * AWS_TIMEOUT, proc.kill)
            watchdog.start()
            try:
                self.transcript = self._converse(proc)
                self.rc = proc.wait()
            finally:
                watchdog.cancel()
        return self

    def _converse(self, proc):
        """Answers the one prompt; a second prompt gets end of input."""
        lines = []
        with proc.stdin, proc.stdout:
            for line in proc.stdout:
                lines.append(line)
                if line.startswith(PROMPT) and not proc.stdin.closed:
                    proc.stdin.write(self.test.code(self.linux) + "\n")
                    proc.stdin.close()
        return "".join(lines)

    def pam_env(self):
        with open(self.env_file) as f:
            return dict(line.split("=", 1)
                        for line in f.read().splitlines())

    def syslog(self):
        with open(self.syslog_file) as f:
            return f.read()

    def stderr(self):
        with open(self.stderr_file) as f:
            return f.read()

    def __repr__(self):
        return (f"{self.linux}: rc={self.rc}\n--- transcript\n"
                f"{self.transcript}--- stderr\n{self.stderr()}")


class SessionReaders:
    """Threads that keep reading every session file until stopped,
    counting complete JSON documents and keeping the start of any other
    text they saw."""

    def __init__(self, paths):
        self.paths = paths
        self.stop = threading.Event()
        self.complete = 0
        self.broken = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._read)
                        for _ in range(READERS)]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join()

    def _read(self):
        complete, broken = 0, []
        # A pause between rounds leaves the CPUs to the logins (valgrind
        # needs them); a round still reads every file many times a login.
        while not self.stop.wait(0.001):
            for path in self.paths:
                try:
                    with open(path) as f:
                        text = f.read()
                except FileNotFoundError:
                    continue
                try:
                    json.loads(text)
                    complete += 1
                except ValueError:
                    broken.append(f"{path}: {len(text)} bytes")
        with self.lock:
            self.complete += complete
            self.broken += broken


class ManyUsersTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tables = namespace.UserTables()
        cls.addClassCleanup(cls.tables.close)
        cls.linux_to_iam = {f"op{n:02d}": f"iam-op{n:02d}"
                            for n in range(USERS)}
        cls.users = cls.tables.add(list(cls.linux_to_iam))
        cls.bastion = Bastion([iam_user(i)
                               for i in cls.linux_to_iam.values()])
        cls.addClassCleanup(cls.bastion.close)
        b = cls.bastion
        b.store({linux: cls.section(iam)
                 for linux, iam in cls.linux_to_iam.items()})
        b.config(timeout=AWS_TIMEOUT)
        cls.service = b.service()

    @classmethod
    def section(cls, iam):
        key = cls.bastion.users[iam]["keys"][0]
        return {"aws_access_key_id": key["id"],
                "aws_secret_access_key": key["secret"], "iam_user": iam}

    def code(self, linux):
        # Under valgrind, the next step's code: AWS's window accepts it
        # for a minute or more, however slowly the login goes on.
        return self.bastion.code(self.linux_to_iam[linux],
                                 offset_steps=1 if wrapper() else 0)

    def session_paths(self, linux):
        folder = os.path.join(self.bastion.session_dir,
                              str(self.users[linux]["uid"]))
        return folder, os.path.join(folder, "session.json")

    def test_fifty_users_at_once(self):
        logins = [Login(self, linux) for linux in self.linux_to_iam]
        files = [self.session_paths(l.linux)[1] for l in logins]
        start = time.monotonic()
        with SessionReaders(files) as readers:
            with ThreadPoolExecutor(max_workers=USERS) as pool:
                list(pool.map(Login.run, logins))
        print(f"{USERS} logins in {time.monotonic() - start:.1f} s; "
              f"{readers.complete} complete reads", file=sys.stderr)
        for login in logins:
            with self.subTest(user=login.linux):
                self.assert_granted(login)
        self.assertEqual(readers.broken, [])
        self.assertGreater(readers.complete, 0)
        key_ids = {read_json(f)["AccessKeyId"] for f in files}
        self.assertEqual(len(key_ids), USERS)
        self.assert_each_user_asked_aws_once()

    def assert_granted(self, login):
        linux, iam = login.linux, self.linux_to_iam[login.linux]
        self.assertEqual(login.rc, PAM["SUCCESS"], login)
        self.assertIn(f"{PROMPT}{iam} ", login.transcript)
        self.assertIn("authenticate: Success (0)", login.transcript)
        self.assertIn("open_session: Success (0)", login.transcript)
        self.assertIn(f"user={linux} iam_user={iam} ", login.syslog())
        self.assertIn("outcome=granted", login.syslog())
        self.assert_own_session_file(linux, iam, login.pam_env())

    def assert_own_session_file(self, linux, iam, pam_env):
        u = self.users[linux]
        folder, path = self.session_paths(linux)
        st = os.lstat(folder)
        self.assertTrue(stat.S_ISDIR(st.st_mode))
        self.assertEqual((st.st_uid, st.st_gid), (u["uid"], u["gid"]))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o700)
        st = os.lstat(path)
        self.assertTrue(stat.S_ISREG(st.st_mode))
        self.assertEqual((st.st_uid, st.st_gid), (u["uid"], u["gid"]))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        session = read_json(path)
        self.assertEqual(session["IamUser"], iam)
        self.assertEqual(session["MfaSerial"],
                         self.bastion.device(iam)["serial"])
        self.assertTrue(pam_env["AWS_ACCESS_KEY_ID"].startswith("ASIA"))
        for field, name in (("AccessKeyId", "AWS_ACCESS_KEY_ID"),
                            ("SecretAccessKey", "AWS_SECRET_ACCESS_KEY"),
                            ("SessionToken", "AWS_SESSION_TOKEN")):
            self.assertTrue(session[field] == pam_env[name],
                            f"{field} of {linux}'s session file is not "
                            "the one its login got")

    def assert_each_user_asked_aws_once(self):
        """One GetSessionToken per IAM user, signed with its own key and
        naming its own device."""
        b = self.bastion
        calls = {c["access_key_id"]: c["params"]["SerialNumber"]
                 for c in b.calls("GetSessionToken")}
        self.assertEqual(len(b.calls("GetSessionToken")), USERS)
        self.assertEqual(calls, {
            b.users[iam]["keys"][0]["id"]: b.device(iam)["serial"]
            for iam in self.linux_to_iam.values()})


if __name__ == "__main__":
    namespace.require_root(
        "fifty Linux users need root: they are added to a private /etc "
        "(an overlay) in a private mount namespace")
    namespace.enter()
    unittest.main(verbosity=2)
