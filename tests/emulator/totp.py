"""TOTP codes for tests, from oathtool (an implementation independent of
the emulator's own check)."""

import os
import subprocess


def totp_code(seed, epoch):
    """The 6-digit code of a base32 seed at a moment (seconds since the
    epoch), e.g. the emulator's clock: time.time() + clock offset."""
    oathtool = os.environ.get("OATHTOOL") or "oathtool"
    done = subprocess.run([oathtool, "--totp", "-b", seed,
                           "--now", f"@{int(epoch)}"],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()
