#!/usr/bin/python3
"""A local stand-in for AWS STS and IAM, for tests and the demo: HTTPS on
127.0.0.1 only, users, keys and MFA devices from a fixture file.

  awsemu.py --fixture FIX.json --port-file PORTFILE --certs DIR
            [--log LOG.jsonl] [--port N]

DIR is made by mkcerts.sh.  The chosen port is written to PORTFILE
(atomically) once the server listens.  SIGTERM or SIGINT stop it.
See README.md for the fixture format, faults and the control endpoint."""

import argparse
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import emu_http  # noqa: E402
import emu_log  # noqa: E402
import emu_model  # noqa: E402
import emu_state  # noqa: E402


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--certs", required=True)
    parser.add_argument("--log")
    parser.add_argument("--port", type=int, default=0)
    return parser.parse_args()


def _write_atomically(path, text):
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w") as f:
        f.write(text)
    os.replace(temporary, path)


def main():
    args = _arguments()
    state = emu_state.State(emu_state.load_fixture(args.fixture))
    server = emu_http.EmulatorServer(args.port, args.certs, state,
                                     emu_model.Models(),
                                     emu_log.RequestLog(args.log))
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, args=(0.1,),
                     daemon=True).start()
    _write_atomically(args.port_file, f"{server.server_address[1]}\n")
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
