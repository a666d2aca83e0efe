"""Runs tests/emulator/awsemu.py with a listen queue deep enough for the
bench's 64 logins at once.  socketserver's default queue holds 5
connections; a burst beyond it loses SYNs, and each lost SYN costs its
client a one-second retransmit, which would measure the emulator's queue
instead of the login."""

import os
import sys

EMULATOR_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "..", "tests", "emulator")
sys.path.insert(0, EMULATOR_DIR)

import awsemu  # noqa: E402
import emu_http  # noqa: E402

LISTEN_QUEUE = 256

if __name__ == "__main__":
    emu_http.EmulatorServer.request_queue_size = LISTEN_QUEUE
    sys.exit(awsemu.main())
