"""Test harness: a real PAM stack (pamdrive + pam_start_confdir) against
the AWS emulator, with syslog captured.  Test equipment only."""

import base64
import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

TOP_SRCDIR = os.environ.get("top_srcdir") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
TOP_BUILDDIR = os.environ.get("top_builddir") or TOP_SRCDIR
sys.path.insert(0, os.path.join(TOP_SRCDIR, "tests", "emulator"))

from emulator import Emulator  # noqa: E402
from totp import totp_code  # noqa: E402

ACCOUNT = "123456789012"
# The module under test: the build's, or (AWSMFA_TEST_MODULE) an installed
# one, as the package test uses.
MODULE = os.environ.get("AWSMFA_TEST_MODULE") or os.path.join(
    TOP_BUILDDIR, ".libs", "pam_awsmfa.so")
PAMDRIVE = os.path.join(TOP_BUILDDIR, "tests", "integration", "pamdrive")
SHIM = os.path.join(TOP_BUILDDIR, "tests", "integration", ".libs",
                    "syslog_capture.so")
AWS_CLI = "/usr/bin/aws"

# PAM return codes (security/_pam_types.h) that the tests assert on.
PAM = {"SUCCESS": 0, "SERVICE_ERR": 3, "SYSTEM_ERR": 4, "PERM_DENIED": 6,
       "AUTH_ERR": 7, "AUTHINFO_UNAVAIL": 9, "USER_UNKNOWN": 10,
       "MAXTRIES": 11, "CONV_ERR": 19, "IGNORE": 25}


def new_seed():
    return base64.b32encode(secrets.token_bytes(20)).decode()


def new_key_id(prefix="AKIA"):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return prefix + "".join(secrets.choice(alphabet) for _ in range(16))


def iam_user(name, devices=("virtual",), page_size=None):
    """A fixture user with a fresh key and fresh device seeds."""
    user = {"name": name, "path": "/",
            "keys": [{"id": new_key_id(),
                      "secret": secrets.token_urlsafe(30)[:40]}],
            "mfa_devices": []}
    for n, kind in enumerate(devices):
        if kind == "fido":
            serial = f"arn:aws:iam::{ACCOUNT}:u2f/user/{name}/key{n}"
            user["mfa_devices"].append({"serial": serial, "type": "fido"})
            continue
        serial = (f"arn:aws:iam::{ACCOUNT}:mfa/{name}" if n == 0 else
                  f"arn:aws:iam::{ACCOUNT}:mfa/{name}-{n}")
        if kind == "hardware":
            serial = "GAHT" + "".join(secrets.choice("0123456789")
                                      for _ in range(8))
        user["mfa_devices"].append(
            {"serial": serial, "type": kind, "seed": new_seed()})
    if page_size:
        user["list_page_size"] = page_size
    return user


class Result:
    def __init__(self, proc, env, syslog, elapsed):
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr
        self.env = env
        self.syslog = syslog
        self.elapsed = elapsed

    def __repr__(self):
        return (f"rc={self.rc}\n--- transcript\n{self.out}\n--- stderr\n"
                f"{self.err}\n--- syslog\n{self.syslog}")


class Bastion:
    """One test bastion: a work dir with config, credentials store,
    PAM service, session dir, and an emulator holding the IAM users."""

    def __init__(self, users, **emulator_options):
        self.dir = tempfile.mkdtemp(prefix="awsmfa-it-")
        os.chmod(self.dir, 0o755)
        self.users = {u["name"]: u for u in users}
        fixture = {"account": ACCOUNT, "users": users}
        fixture.update(emulator_options)
        self.emu = Emulator(fixture, os.path.join(self.dir, "emu"))
        self.emu.start()
        self.linux_user = pwd.getpwuid(os.geteuid()).pw_name
        self.uid = os.geteuid()
        self.session_dir = os.path.join(self.dir, "sessions")
        self.confdir = os.path.join(self.dir, "pam.d")
        os.mkdir(self.confdir)
        self.syslog_path = os.path.join(self.dir, "syslog")

    def close(self):
        self.emu.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def config(self, **overrides):
        """Writes the config file; returns its path."""
        values = {"region": "eu-west-1", "sts_endpoint": self.emu.url,
                  "iam_endpoint": self.emu.url, "ca_file": self.emu.ca_file,
                  "timeout": "30" if wrapper() else "5",
                  "credentials_file": os.path.join(self.dir, "credentials"),
                  "session_dir": self.session_dir}
        values.update(overrides)
        path = os.path.join(self.dir, "pam_awsmfa.conf")
        with open(path, "w") as f:
            f.write("# written by the integration tests\n")
            for k, v in values.items():
                if v is not None:
                    f.write(f"{k} = {v}\n")
        os.chmod(path, 0o644)
        return path

    def store(self, sections):
        """Writes the credentials store: {linux_user: {key: value}}."""
        path = os.path.join(self.dir, "credentials")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            for name, keys in sections.items():
                f.write(f"[{name}]\n")
                for k, v in keys.items():
                    f.write(f"{k} = {v}\n")
        os.chmod(path, 0o600)
        return path

    def map_to(self, iam_name, linux_user=None, **extra):
        """Maps a Linux user (default: the one running the tests) to an
        IAM user of the fixture, using its first key."""
        key = self.users[iam_name]["keys"][0]
        section = {"aws_access_key_id": key["id"],
                   "aws_secret_access_key": key["secret"],
                   "iam_user": iam_name}
        section.update(extra)
        return self.store({linux_user or self.linux_user: section})

    def service(self, lines=None, args=""):
        """Writes the PAM service file; the module line gets args."""
        config = os.path.join(self.dir, "pam_awsmfa.conf")
        if "config=" not in args:
            args = f"config={config} {args}"
        module = f"{MODULE} {args}".strip()
        text = lines or [f"auth required {module}",
                         "account required pam_permit.so",
                         f"session required {module}"]
        with open(os.path.join(self.confdir, "awsmfa-test"), "w") as f:
            f.write("\n".join(l.replace("@MODULE@", module) for l in text))
            f.write("\n")
        return "awsmfa-test"

    def device(self, iam_name, n=0):
        return self.users[iam_name]["mfa_devices"][n]

    def code(self, iam_name, n=0, offset_steps=0):
        seed = self.device(iam_name, n)["seed"]
        return totp_code(seed, time.time() + self.emu.clock_offset
                         + 30 * offset_steps)

    def wrong_code(self, iam_name, n=0):
        near = {self.code(iam_name, n, s) for s in (-1, 0, 1)}
        for candidate in range(0, 10**6, 7919):
            code = f"{candidate:06d}"
            if code not in near:
                return code
        raise AssertionError("no wrong code found")

    def login(self, answers, user=None, silent=False, session=False,
              ids=False):
        if not os.path.exists(os.path.join(self.confdir, "awsmfa-test")):
            self.service()
        env_file = os.path.join(self.dir, "env.out")
        if os.path.exists(env_file):
            os.unlink(env_file)
        if os.path.exists(self.syslog_path):
            os.unlink(self.syslog_path)
        cmd = wrapper() + [PAMDRIVE, "--confdir", self.confdir,
                           "--service", "awsmfa-test",
                           "--user", user or self.linux_user,
                           "--env-file", env_file]
        if silent:
            cmd.append("--silent")
        if session:
            cmd.append("--session")
        if ids:
            cmd.append("--ids")
        env = dict(os.environ, AWSMFA_TEST_SYSLOG=self.syslog_path,
                   LD_PRELOAD=SHIM, AWS_EC2_METADATA_DISABLED="true")
        start = time.monotonic()
        # A stuck login fails its test rather than the run; under valgrind
        # a login spending a whole AWS budget takes far longer.
        proc = subprocess.run(cmd, input="".join(a + "\n" for a in answers),
                              capture_output=True, text=True, env=env,
                              timeout=240 if wrapper() else 60)
        elapsed = time.monotonic() - start
        pam_env = {}
        if os.path.exists(env_file):
            with open(env_file) as f:
                for line in f.read().splitlines():
                    name, _, value = line.partition("=")
                    pam_env[name] = value
        syslog = ""
        if os.path.exists(self.syslog_path):
            with open(self.syslog_path) as f:
                syslog = f.read()
        return Result(proc, pam_env, syslog, elapsed)

    def forget_sessions(self):
        shutil.rmtree(self.session_dir, ignore_errors=True)

    def session_file(self):
        return os.path.join(self.session_dir, str(self.uid), "session.json")

    def read_session(self):
        with open(self.session_file()) as f:
            return json.load(f)

    def calls(self, action):
        return [r for r in self.emu.requests() if r.get("action") == action]

    def aws(self, args, env):
        """Runs the real aws CLI against the emulator with credentials
        from env (a dict of AWS_* values)."""
        home = os.path.join(self.dir, "awshome")
        os.makedirs(home, exist_ok=True)
        run_env = {"PATH": "/usr/bin:/bin", "HOME": home,
                   "AWS_CONFIG_FILE": os.path.join(home, "config"),
                   "AWS_SHARED_CREDENTIALS_FILE":
                       os.path.join(home, "credentials"),
                   "AWS_EC2_METADATA_DISABLED": "true",
                   "AWS_CA_BUNDLE": self.emu.ca_file,
                   "AWS_DEFAULT_REGION": "eu-west-1"}
        run_env.update(env)
        return subprocess.run([AWS_CLI, "--endpoint-url", self.emu.url]
                              + args, capture_output=True, text=True,
                              env=run_env, timeout=60)


class BastionCase(unittest.TestCase):
    """One emulator and bastion per class (from make_bastion), reset
    before each case: the default config (with the class's
    config_overrides) and PAM service, no session file, no request or used
    code left in the emulator."""

    config_overrides = {}

    @classmethod
    def make_bastion(cls):
        raise NotImplementedError

    @classmethod
    def setUpClass(cls):
        cls.bastion = cls.make_bastion()

    @classmethod
    def tearDownClass(cls):
        cls.bastion.close()

    def setUp(self):
        self.b = self.bastion
        self.b.emu.reset()
        self.b.forget_sessions()
        self.b.config(**self.config_overrides)
        self.b.service()


# Slack for process start-up in timing checks.  Under valgrind (the CI
# pass that looks for memory errors, two tests at once on two cores) a
# login spends 20 s and more outside its AWS calls; the plain pass keeps
# the tight bound.
def slack():
    return 45 if wrapper() else 2


def wrapper():
    """A command prefix for every pamdrive run (valgrind in CI's
    valgrind pass), from AWSMFA_TEST_WRAPPER."""
    return os.environ.get("AWSMFA_TEST_WRAPPER", "").split()
