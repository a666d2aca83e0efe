"""Shared equipment for awsmfa's tests: a session directory laid out as
the module lays it out, session files written by hand (json + chmod/chown,
so that any content, however broken or hostile, can be planted), and
awsmfa run as an ordinary user (nobody, when the tests run as root)."""

import calendar
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time

TOP_SRCDIR = os.environ.get("top_srcdir") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
TOP_BUILDDIR = os.environ.get("top_builddir") or TOP_SRCDIR
AWSMFA = os.path.join(TOP_BUILDDIR, "awsmfa")
SNIPPET = os.path.join(TOP_SRCDIR, "conf", "profile.d", "awsmfa.sh")

KEY_ID = "ASIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEPr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+abc="
SERIAL = "arn:aws:iam::123456789012:mfa/alice"
RENEW = "log in again or run sudo -v to renew"


def wrapper():
    return os.environ.get("AWSMFA_TEST_WRAPPER", "").split()


def utc(text):
    """Seconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ"."""
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def document(expiration, issued=None, **fields):
    """A session file's JSON as the module writes it (credential_process
    format plus IamUser, MfaSerial, IssuedAt, Region)."""
    doc = {"Version": 1, "AccessKeyId": KEY_ID, "SecretAccessKey": SECRET,
           "SessionToken": TOKEN, "Expiration": iso(expiration),
           "IamUser": "alice", "MfaSerial": SERIAL,
           "IssuedAt": iso(issued if issued is not None
                           else expiration - 43200)}
    doc.update(fields)
    return {k: v for k, v in doc.items() if v is not None}


class Sessions:
    """A session_dir (root's, 0755) with one user's <uid> directory (the
    user's, 0700), in a fresh temporary folder.  The user is nobody when
    running as root, so that owner and mode checks mean something; else
    the user running the tests."""

    def __init__(self):
        self.top = tempfile.mkdtemp(prefix="awsmfa-cli-")
        os.chmod(self.top, 0o755)
        self.dir = os.path.join(self.top, "sessions")
        os.mkdir(self.dir, 0o755)
        self.as_root = os.geteuid() == 0
        if self.as_root:
            nobody = pwd.getpwnam("nobody")
            self.uid, self.gid = nobody.pw_uid, nobody.pw_gid
        else:
            self.uid, self.gid = os.getuid(), os.getgid()
        self.user_dir = os.path.join(self.dir, str(self.uid))
        os.mkdir(self.user_dir, 0o700)
        os.chown(self.user_dir, self.uid, self.gid)
        self.path = os.path.join(self.user_dir, "session.json")
        # Copies of awsmfa and the snippet where the user can reach them,
        # whatever the modes of the build and source folders.
        self.bin = os.path.join(self.top, "bin")
        os.mkdir(self.bin, 0o755)
        self.awsmfa = os.path.join(self.bin, "awsmfa")
        shutil.copy(AWSMFA, self.awsmfa)
        os.chmod(self.awsmfa, 0o755)
        self.snippet = os.path.join(self.top, "awsmfa.sh")
        shutil.copy(SNIPPET, self.snippet)
        os.chmod(self.snippet, 0o644)
        # A home the user may write to (the aws CLI wants one).
        self.home = os.path.join(self.top, "home")
        os.mkdir(self.home, 0o700)
        os.chown(self.home, self.uid, self.gid)

    def close(self):
        shutil.rmtree(self.top, ignore_errors=True)

    def write(self, content, mode=0o600, owner=None):
        """Plants a session file: a dict is written as JSON, a str as is.
        Replaced by rename, as the module does."""
        text = json.dumps(content) if isinstance(content, dict) else content
        temp = self.path + ".new"
        with open(temp, "w") as f:
            f.write(text)
        uid = self.uid if owner is None else owner
        os.chown(temp, uid, self.gid if owner is None else 0)
        os.chmod(temp, mode)
        os.rename(temp, self.path)

    def remove(self):
        if os.path.lexists(self.path):
            os.unlink(self.path)

    def exists(self):
        return os.path.lexists(self.path)

    def env(self, now=None, tz="UTC", **extra):
        env = {"PATH": self.bin + ":/usr/bin:/bin",
               "HOME": self.home, "LANG": "C", "TZ": tz,
               "AWSMFA_SESSION_DIR": self.dir}
        if now is not None:
            env["AWSMFA_TEST_NOW"] = str(now)
        env.update(extra)
        return env

    def run(self, args, now=None, tz="UTC", env=None, program=None,
            stdin=None):
        """Runs awsmfa (or program) as the session's user, with args."""
        full_env = self.env(now, tz)
        if env is not None:
            full_env.update(env)
        drop = {}
        if self.as_root:
            drop = {"user": self.uid, "group": self.gid, "extra_groups": []}
        # awsmfa itself runs under AWSMFA_TEST_WRAPPER (valgrind in the
        # valgrind pass), quiet unless it finds an error.
        command = program or wrapper() + [self.awsmfa]
        return subprocess.run(command + list(args),
                              capture_output=True, text=True, env=full_env,
                              cwd=self.home, timeout=120, input=stdin,
                              **drop)
