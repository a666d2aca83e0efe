"""What the emulator knows: the fixture (account, IAM users with keys and
MFA devices, roles) and what changes while it runs (its clock, the codes
already used, the sessions it issued).  Thread-safe."""

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass

KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _stable_id(prefix, text):
    """An id like AWS's (AIDA..., AROA...) that stays the same for a name
    across runs, so tests can compare answers."""
    digest = hashlib.sha256(text.encode()).digest()
    return prefix + base64.b32encode(digest).decode()[:17]


def new_key_id(prefix):
    return prefix + "".join(secrets.choice(KEY_ALPHABET) for _ in range(16))


@dataclass
class Device:
    serial: str
    kind: str  # "virtual", "hardware" or "fido"
    seed: str = None


@dataclass
class User:
    name: str
    path: str
    account: str
    devices: list
    page_size: int = None
    may_read: tuple = ()  # other users' names this one may look up, or "*"

    @property
    def arn(self):
        return f"arn:aws:iam::{self.account}:user{self.path}{self.name}"

    @property
    def user_id(self):
        return _stable_id("AIDA", self.arn)

    def device(self, serial):
        return next((d for d in self.devices if d.serial == serial), None)

    def may_look_up(self, other):
        return other == self.name or "*" in self.may_read or \
            other in self.may_read


@dataclass
class Role:
    arn: str
    trust: tuple
    require_mfa: bool = False
    max_session_seconds: int = 3600
    # Whether the trust policy grants sts:SetSourceIdentity.
    allow_source_identity: bool = True

    @property
    def name(self):
        return self.arn.rsplit("/", 1)[-1]

    @property
    def role_id(self):
        return _stable_id("AROA", self.arn)


@dataclass
class Session:
    """Temporary credentials the emulator issued."""
    access_key_id: str
    secret_access_key: str
    token: str
    expiration: float
    user: User
    mfa_serial: str = None
    role: Role = None
    role_session_name: str = None


@dataclass
class Fixture:
    account: str
    users: dict
    keys: dict  # access key id -> (User, secret)
    roles: dict
    max_session_seconds: int = None
    iam_region: str = "us-east-1"
    expiration_fraction: bool = False
    wrap_session_token: bool = False


def _load_user(doc, account):
    devices = [Device(d["serial"], d.get("type", "virtual"), d.get("seed"))
               for d in doc.get("mfa_devices", [])]
    return User(doc["name"], doc.get("path", "/"), account, devices,
                doc.get("list_page_size"), tuple(doc.get("may_read", ())))


def load_fixture(source):
    """From a dict or a JSON file path."""
    if not isinstance(source, dict):
        with open(source) as f:
            source = json.load(f)
    account = source.get("account", "123456789012")
    users, keys = {}, {}
    for doc in source.get("users", []):
        user = _load_user(doc, account)
        users[user.name] = user
        for key in doc.get("keys", []):
            keys[key["id"]] = (user, key["secret"])
    roles = {}
    for doc in source.get("roles", []):
        role = Role(doc["arn"], tuple(doc.get("trust", ())),
                    bool(doc.get("require_mfa", False)),
                    int(doc.get("max_session_seconds", 3600)),
                    bool(doc.get("allow_source_identity", True)))
        roles[role.arn] = role
    return Fixture(account, users, keys, roles,
                   source.get("max_session_seconds"),
                   source.get("iam_region", "us-east-1"),
                   bool(source.get("expiration_fraction", False)),
                   bool(source.get("wrap_session_token", False)))


class State:
    def __init__(self, fixture):
        self.fixture = fixture
        self._lock = threading.Lock()
        self._clock_offset = 0.0
        self._used_steps = {}
        self._sessions = {}

    def now(self):
        """The emulator's clock: signature times, TOTP and Expiration."""
        return time.time() + self._clock_offset

    @property
    def clock_offset(self):
        return self._clock_offset

    def set_clock_offset(self, seconds):
        self._clock_offset = float(seconds)

    def reset(self):
        with self._lock:
            self._clock_offset = 0.0
            self._used_steps.clear()
            self._sessions.clear()

    def use_step(self, serial, step):
        """Marks a device's code as used; False if it already was."""
        with self._lock:
            used = self._used_steps.setdefault(serial, set())
            if step in used:
                return False
            used.add(step)
            return True

    def add_session(self, session):
        with self._lock:
            self._sessions[session.access_key_id] = session

    def session(self, access_key_id):
        with self._lock:
            return self._sessions.get(access_key_id)
