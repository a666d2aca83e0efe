"""The HTTPS server: STS, IAM and the control endpoint on one port of
127.0.0.1.  Each connection gets its own thread, and its TLS handshake
happens there, so a slow or hung client never blocks another."""

import http.server
import itertools
import json
import os
import re
import socket
import socketserver
import ssl
import sys
import threading
import traceback
import uuid
from email.utils import formatdate
from urllib.parse import parse_qsl

import emu_auth
import emu_control
import emu_errors
import emu_faults
import emu_model
import emu_ops
import emu_xml
from emu_log import recorded_params

# The control helper asks for this name by SNI (see mkcerts.sh).
CONTROL_SERVER_NAME = "control.awsemu.invalid"
HANDSHAKE_TIMEOUT = 10
IDLE_TIMEOUT = 120
MAX_REQUEST_BODY = 1024 * 1024
OVERSIZE_BYTES = 10 * 1024 * 1024 + 64 * 1024
GARBAGE_BODY = b"<html><body>Bad Gateway {not XML at all\x00]]"
# Faults answered without looking at the request any further.
EARLY_FAULTS = {"close", "hang", "status", "throttle", "garbage", "empty",
                "oversize"}


def _tls_context(certs, name):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(os.path.join(certs, f"{name}.pem"),
                            os.path.join(certs, f"{name}-key.pem"))
    return context


class EmulatorServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    # socketserver listens with a queue of 5: a burst of logins beyond it
    # (the concurrency tests, the bench) would lose SYNs, and each lost SYN
    # costs its client a one-second retransmit.
    request_queue_size = 256

    def __init__(self, port, certs, state, models, log):
        self.state = state
        self.models = models
        self.log = log
        self.faults = emu_faults.FaultQueue()
        self.stopping = threading.Event()
        self._connections = set()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._wrong_cert = _tls_context(certs, "wronghost")
        self._tls = _tls_context(certs, "server")
        # OpenSSL calls this on every ClientHello, with server_name None
        # when the client sent no SNI (as clients connecting to an IP do).
        self._tls.sni_callback = self._choose_certificate
        super().__init__(("127.0.0.1", port), Handler)

    def server_bind(self):
        # HTTPServer.server_bind would look our name up in DNS: skip it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def _choose_certificate(self, tls_socket, server_name, context):
        if server_name == CONTROL_SERVER_NAME:
            return None
        if self.faults.take_for_handshake() is not None:
            tls_socket.context = self._wrong_cert
            self.log.add({"fault": "wrong_cert", "action": None,
                          "status": None, "new_connection": True,
                          "connection": getattr(tls_socket, "awsemu_id",
                                                None)})
        return None

    def finish_request(self, raw, client_address):
        """Runs in the connection's thread: TLS first, then HTTP."""
        tls = self._tls.wrap_socket(raw, server_side=True,
                                    do_handshake_on_connect=False)
        tls.awsemu_id = next(self._ids)
        with self._lock:
            self._connections.add(tls)
        try:
            tls.settimeout(HANDSHAKE_TIMEOUT)
            tls.do_handshake()
            tls.settimeout(None)
            self.RequestHandlerClass(tls, client_address, self)
        except (OSError, ssl.SSLError):
            pass  # the client went away or refused our certificate
        finally:
            with self._lock:
                self._connections.discard(tls)
            tls.close()

    def handle_error(self, request, client_address):
        if not self.stopping.is_set():
            super().handle_error(request, client_address)

    def stop(self):
        """From any thread but serve_forever's: stops accepting, wakes
        hung and delayed answers, drops open connections."""
        self.stopping.set()
        self.shutdown()
        self.server_close()
        with self._lock:
            open_now = list(self._connections)
        for tls in open_now:
            try:
                socket.socket.shutdown(tls, socket.SHUT_RDWR)
            except OSError:
                pass
        self.log.close()


def _params(query, body):
    """Query-protocol parameters from the URL and a form body; the first
    occurrence of a name wins."""
    params = {}
    pairs = parse_qsl(query, keep_blank_values=True) + parse_qsl(
        body.decode("utf-8", "replace"), keep_blank_values=True)
    for name, value in pairs:
        params.setdefault(name, value)
    return params


def _key_id_of(authorization):
    found = re.search(r"Credential=([^/,\s]+)/", authorization or "")
    return found.group(1) if found else None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT

    def setup(self):
        super().setup()
        self.requests_on_connection = 0

    def log_message(self, format, *args):
        pass  # the request log says what matters

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, MAX_REQUEST_BODY))

    def _dispatch(self):
        self.requests_on_connection += 1
        body = self._read_body()
        path, _, query = self.path.partition("?")
        if path.startswith("/_emulator/"):
            status, answer = emu_control.handle(self.server, self.command,
                                                path, body)
            self._send(status, json.dumps(answer).encode(), None,
                       "application/json")
            return
        self._aws(path, query, body)

    def _send(self, status, body, request_id, content_type="text/xml",
              declared_length=None):
        self.send_response_only(status)
        if request_id is not None:
            self.send_header("x-amzn-RequestId", request_id)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(
            len(body) if declared_length is None else declared_length))
        self.send_header("Date", formatdate(self.server.state.now(),
                                            usegmt=True))
        self.end_headers()
        self.wfile.write(body)

    def _aws(self, path, query, body):
        params = _params(query, body)
        action = params.get("Action")
        request_id = str(uuid.uuid4())
        entry = {"method": self.command, "path": path, "action": action,
                 "service": self.server.models.service_of(action or ""),
                 "params": recorded_params(params),
                 "has_token_code": "TokenCode" in params,
                 "access_key_id": _key_id_of(self.headers["Authorization"]),
                 "request_id": request_id, "status": None,
                 "error_code": None, "fault": None,
                 "new_connection": self.requests_on_connection == 1,
                 "connection": getattr(self.connection, "awsemu_id", None)}
        fault = self.server.faults.take_for_request(action or "")
        if fault is not None:
            entry["fault"] = fault["kind"]
            if fault["kind"] == "delay":
                self.server.stopping.wait(float(fault["seconds"]))
        try:
            if fault is not None and fault["kind"] in EARLY_FAULTS:
                self._early_fault(fault, entry)
            else:
                self._answer(body, params, fault, entry)
        finally:
            self.server.log.add(entry)

    def _early_fault(self, fault, entry):
        kind, request_id = fault["kind"], entry["request_id"]
        if kind in ("close", "hang"):
            if kind == "hang":
                self.server.stopping.wait()
            self.close_connection = True
            return
        if kind in ("status", "throttle"):
            error = emu_errors.throttling() if kind == "throttle" else \
                emu_errors.server_error(int(fault["status"]))
            entry.update(status=error.status, error_code=error.code)
            self._send(error.status, emu_xml.error(
                entry["service"], error.code, error.message, request_id,
                error.status), request_id)
            return
        entry["status"] = 200
        if kind == "garbage":
            self._send(200, GARBAGE_BODY, request_id)
        elif kind == "empty":
            self._send(200, b"", request_id)
        else:
            self._send_oversize(request_id)

    def _send_oversize(self, request_id):
        # The start of an XML answer, then padding past any sane cap.
        head = b"<GetSessionTokenResponse><Padding>"
        self._send(200, head, request_id, declared_length=OVERSIZE_BYTES)
        chunk = b" " * 65536
        left = OVERSIZE_BYTES - len(head)
        while left > 0:
            piece = chunk[:left]
            self.wfile.write(piece)
            left -= len(piece)

    def _answer(self, body, params, fault, entry):
        kind = fault["kind"] if fault is not None else None
        status, xml, service, code = self._run(body, params, fault,
                                               entry["request_id"])
        entry.update(status=status, error_code=code, service=service)
        if kind == "truncate":
            self._send(status, xml[:len(xml) // 2], entry["request_id"],
                       declared_length=len(xml))
            self.close_connection = True
            return
        self._send(status, xml, entry["request_id"])

    def _run(self, body, params, fault, request_id):
        """(status, XML body, service, error code or None)."""
        server = self.server
        action = params.get("Action")
        service = server.models.service_of(action or "")
        received = emu_auth.Received(self.command, self.path,
                                     list(self.headers.items()), body)
        try:
            caller = emu_auth.authenticate(received, service, server.state)
            service = caller.service
            fields = self._operate(caller, params, fault)
            return 200, emu_xml.result(service, action, fields,
                                       request_id), service, None
        except emu_errors.AwsError as e:
            return e.status, emu_xml.error(service, e.code, e.message,
                                           request_id, e.status), \
                service, e.code
        except Exception:  # a bug here must still answer, and show
            traceback.print_exc(file=sys.stderr)
            error = emu_errors.server_error(500)
            return 500, emu_xml.error(service, error.code, error.message,
                                      request_id, 500), service, error.code

    def _operate(self, caller, params, fault):
        kind = fault["kind"] if fault is not None else None
        models, service = self.server.models, caller.service
        for name in ("Action", "Version"):
            if not params.get(name):
                raise emu_errors.missing_parameter(name)
        action = params["Action"]
        operation = models.operation(service, action, params["Version"])
        handler = emu_ops.OPERATIONS.get((service, action))
        if handler is None:
            # In the model but not emulated: answered as an unknown
            # operation (README.md lists what is emulated).
            raise emu_errors.invalid_action(action, params["Version"])
        emu_model.validate(operation, params)
        extra = {}
        if action in emu_ops.ISSUING:
            extra["past_expiration"] = kind == "past_expiration"
        fields = handler(params, caller, self.server.state, **extra)
        if kind == "missing_credentials":
            fields.pop("Credentials", None)
        if kind == "credentials" and "Credentials" in fields:
            fields["Credentials"].update(fault["fields"])
        return fields
