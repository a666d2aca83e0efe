"""TOTP as AWS checks it for virtual and hardware MFA devices: RFC 6238
with HMAC-SHA1, 30-second steps and 6 digits, one step either side.

The emulator needs its own implementation to check codes; the tests never
use it to make codes (they ask oathtool, an independent implementation)."""

import base64
import hashlib
import hmac
import struct

STEP_SECONDS = 30
DIGITS = 6
# AWS accepts the code of the current step and of one step either side.
WINDOW_STEPS = 1


def decode_seed(seed):
    """Base32 seed as AWS shows it (no padding, any case, maybe spaced)."""
    clean = seed.replace(" ", "").upper()
    return base64.b32decode(clean + "=" * (-len(clean) % 8))


def code_at_step(key, step):
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10 ** DIGITS:0{DIGITS}d}"


def matching_step(seed, code, now):
    """The step within the window whose code equals `code`, or None.
    Steps are tried from the oldest, so a code is tied to one step."""
    key = decode_seed(seed)
    current = int(now) // STEP_SECONDS
    for step in range(current - WINDOW_STEPS, current + WINDOW_STEPS + 1):
        if hmac.compare_digest(code_at_step(key, step), code):
            return step
    return None
