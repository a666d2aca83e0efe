"""Runs the AWS emulator (awsemu.py) for a test and drives its control
endpoint.

    with Emulator(fixture, workdir) as emu:
        emu.url, emu.ca_file, emu.other_ca_file, emu.port
        emu.set_faults([{"match": "GetSessionToken", "kind": "throttle"}])
        emu.set_clock_offset(-3600); emu.clock_offset
        emu.requests(); emu.reset()

fixture is a dict or the path of a JSON file; workdir receives the test
certificates, the fixture, the port file and the request log."""

import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# botocore is installed for the system Python only.
PYTHON = "/usr/bin/python3"
CONTROL_SERVER_NAME = "control.awsemu.invalid"
START_TIMEOUT = 15


class _ControlConnection(http.client.HTTPSConnection):
    """Connects to 127.0.0.1 but asks for the control name by SNI, so the
    emulator never hands a pending wrong_cert fault to the test itself."""

    def connect(self):
        raw = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(
            raw, server_hostname=CONTROL_SERVER_NAME)


class Emulator:
    def __init__(self, fixture, workdir):
        self.workdir = os.path.abspath(workdir)
        self.certs_dir = os.path.join(self.workdir, "certs")
        self.ca_file = os.path.join(self.certs_dir, "ca.pem")
        self.other_ca_file = os.path.join(self.certs_dir, "other-ca.pem")
        self.log_file = os.path.join(self.workdir, "requests.jsonl")
        self._fixture = fixture
        self._process = None
        self.port = None
        self.url = None
        self.clock_offset = 0

    def start(self):
        os.makedirs(self.workdir, exist_ok=True)
        if not os.path.exists(self.ca_file):
            subprocess.run(["sh", os.path.join(HERE, "mkcerts.sh"),
                            self.certs_dir], check=True)
        fixture_path = self._fixture
        if isinstance(self._fixture, dict):
            fixture_path = os.path.join(self.workdir, "fixture.json")
            with open(fixture_path, "w") as f:
                json.dump(self._fixture, f, indent=1)
        port_file = os.path.join(self.workdir, "port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        self._process = subprocess.Popen(
            [PYTHON, os.path.join(HERE, "awsemu.py"),
             "--fixture", fixture_path, "--port-file", port_file,
             "--certs", self.certs_dir, "--log", self.log_file],
            stdin=subprocess.DEVNULL)
        self.port = self._wait_for_port(port_file)
        self.url = f"https://127.0.0.1:{self.port}"
        return self

    def _wait_for_port(self, port_file):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError("the AWS emulator exited with status "
                                   f"{self._process.returncode}")
            if os.path.exists(port_file):
                with open(port_file) as f:
                    return int(f.read())
            time.sleep(0.02)
        self.stop()
        raise RuntimeError("the AWS emulator did not start in time")

    def stop(self):
        if self._process is None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _control(self, method, path, doc=None):
        context = ssl.create_default_context(cafile=self.ca_file)
        connection = _ControlConnection("127.0.0.1", self.port,
                                        context=context, timeout=10)
        try:
            body = json.dumps(doc).encode() if doc is not None else None
            connection.request(method, "/_emulator/" + path, body=body,
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            answer = json.loads(response.read() or b"null")
        finally:
            connection.close()
        if response.status != 200:
            raise RuntimeError(f"emulator control {path}: {answer}")
        return answer

    def set_faults(self, faults):
        """Appends faults to the emulator's queue."""
        return self._control("POST", "faults", {"faults": faults})

    def pending_faults(self):
        return self._control("GET", "faults")

    def set_clock_offset(self, seconds):
        """Moves the emulator's clock: now = real time + seconds."""
        self._control("POST", "clock", {"offset": seconds})
        self.clock_offset = seconds

    def clock(self):
        """The emulator's own view: {"offset": ..., "now": epoch}."""
        return self._control("GET", "clock")

    def now(self):
        return time.time() + self.clock_offset

    def reset(self):
        """Forgets faults, clock offset, used codes, issued sessions and
        the request log."""
        self._control("POST", "reset", {})
        self.clock_offset = 0

    def requests(self):
        return self._control("GET", "requests")

