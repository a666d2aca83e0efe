"""The bench's lab: one local AWS emulator holding a pool of IAM users, and
for each login a bastion of its own (config, credentials store, PAM
service, session dir) mapping the Linux user running the bench to one
fresh IAM user.  A one-time code is good once per device, so every login,
whichever client makes it, takes a user nobody has logged in as."""

import base64
import os
import pwd
import secrets
import sys
import time

TOP_SRCDIR = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(TOP_SRCDIR, "tests", "emulator"))

import emulator  # noqa: E402
from totp import totp_code  # noqa: E402

ACCOUNT = "123456789012"
REGION = "eu-west-1"
# The module's own default; generous enough for 64 logins at once
# against an emulator written in Python.
TIMEOUT_SECONDS = 10


def _key_id():
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return "AKIA" + "".join(secrets.choice(alphabet) for _ in range(16))


def _user(n):
    name = f"bench{n:04d}"
    seed = base64.b32encode(secrets.token_bytes(20)).decode()
    return {"name": name, "path": "/",
            "keys": [{"id": _key_id(),
                      "secret": secrets.token_urlsafe(30)[:40]}],
            "mfa_devices": [{"serial": f"arn:aws:iam::{ACCOUNT}:mfa/{name}",
                             "type": "virtual", "seed": seed}]}


class Identity:
    """One IAM user of the pool: key, MFA serial, and its seed."""

    def __init__(self, user):
        self.name = user["name"]
        self.key_id = user["keys"][0]["id"]
        self.secret_key = user["keys"][0]["secret"]
        self.serial = user["mfa_devices"][0]["serial"]
        self.seed = user["mfa_devices"][0]["seed"]


class Lab:
    def __init__(self, workdir, pool_size):
        self.dir = workdir
        self.users = [_user(n) for n in range(pool_size)]
        self.emu = emulator.Emulator({"account": ACCOUNT, "users": self.users},
                            os.path.join(workdir, "emu"))
        self._next = 0
        self._bastions = 0
        self.linux_user = pwd.getpwuid(os.geteuid()).pw_name

    def __enter__(self):
        self.emu.start()
        return self

    def __exit__(self, *exc):
        self.emu.stop()

    def take(self):
        """A user no login has used yet."""
        if self._next == len(self.users):
            raise RuntimeError("the bench ran out of fresh IAM users")
        identity = Identity(self.users[self._next])
        self._next += 1
        return identity

    def code(self, identity):
        """The device's current code, by oathtool, on the emulator's
        clock."""
        return totp_code(identity.seed, time.time() + self.emu.clock_offset)

    def bastion(self, identity, module):
        """Writes a bastion mapping the Linux user to identity; returns
        its PAM config dir (the service is "awsmfa-bench")."""
        self._bastions += 1
        root = os.path.join(self.dir, f"bastion{self._bastions:04d}")
        confdir = os.path.join(root, "pam.d")
        os.makedirs(confdir)
        config = os.path.join(root, "pam_awsmfa.conf")
        store = os.path.join(root, "credentials")
        with open(config, "w") as f:
            for key, value in (("region", REGION),
                               ("sts_endpoint", self.emu.url),
                               ("iam_endpoint", self.emu.url),
                               ("ca_file", self.emu.ca_file),
                               ("timeout", TIMEOUT_SECONDS),
                               ("credentials_file", store),
                               ("session_dir",
                                os.path.join(root, "sessions"))):
                f.write(f"{key} = {value}\n")
        fd = os.open(store, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(f"[{self.linux_user}]\n"
                    f"aws_access_key_id = {identity.key_id}\n"
                    f"aws_secret_access_key = {identity.secret_key}\n"
                    f"iam_user = {identity.name}\n")
        line = f"{module} config={config}"
        with open(os.path.join(confdir, "awsmfa-bench"), "w") as f:
            f.write(f"auth required {line}\n"
                    "account required pam_permit.so\n"
                    f"session required {line}\n")
        return confdir
