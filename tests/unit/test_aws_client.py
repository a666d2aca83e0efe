"""The AWS client over real TLS on 127.0.0.1, against a scripted server
that answers what each case asks for: signatures (checked with botocore's
signer), the form, retries and what is never retried, pagination and a
looping server, the size cap, clock skew, time limits, certificates,
redirects, proxies from the environment, and connection reuse.

Drives test_aws_client_tool; certificates come from the emulator's
mkcerts.sh.  Nothing leaves this machine."""

import datetime
import email.utils
import http.server
import os
import re
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

os.environ["AWS_EC2_METADATA_DISABLED"] = "true"

from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

KEY_ID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SERIAL = "arn:aws:iam::123456789012:mfa/alice"
OK, API_ERROR, NETWORK_ERROR, PROTOCOL_ERROR, LOCAL_ERROR = range(5)
# Proxies a careless client would take from the environment: nothing
# listens on port 9, so a request sent there fails.
PROXY_ENV = {name: "http://127.0.0.1:9" for name in (
    "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "http_proxy")}


def iso(epoch):
    return datetime.datetime.fromtimestamp(
        epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.123Z")


def credentials_xml(action, key="ASIAIOSFODNN7EXAMPLE", expires=None):
    expires = iso(expires or time.time() + 3600)
    return (f'<{action}Response xmlns="https://sts.amazonaws.com/doc/'
            f'2011-06-15/">\n  <{action}Result>\n    <Credentials>\n'
            f"      <AccessKeyId>{key}</AccessKeyId>\n"
            f"      <SecretAccessKey>temporary/secret</SecretAccessKey>\n"
            f"      <SessionToken>\n        FwoGZXIvYXdzEJr//////////wEaD\n"
            f"        MoreTokenText==\n      </SessionToken>\n"
            f"      <Expiration>{expires}</Expiration>\n"
            f"    </Credentials>\n  </{action}Result>\n"
            f"</{action}Response>\n")


def error_xml(code, message):
    return (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
            f"<Message>{message}</Message></Error>"
            f"<RequestId>body-id</RequestId></ErrorResponse>")


def devices_xml(serials, marker=None):
    members = "".join(f"<member><UserName>alice</UserName><SerialNumber>{s}"
                      f"</SerialNumber></member>" for s in serials)
    more = (f"<IsTruncated>true</IsTruncated><Marker>{marker}</Marker>"
            if marker else "<IsTruncated>false</IsTruncated>")
    return (f"<ListMFADevicesResponse><ListMFADevicesResult>{more}"
            f"<MFADevices>{members}</MFADevices></ListMFADevicesResult>"
            f"</ListMFADevicesResponse>")


def reply(status=200, body="", **extra):
    return dict(status=status, body=body, **extra)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        self.request.do_handshake()
        super().setup()

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        server = self.server
        with server.lock:
            server.requests.append(dict(
                path=self.path, headers=dict(self.headers.items()),
                body=body, form=urllib.parse.parse_qs(body.decode())))
            r = server.replies.pop(0) if server.replies else reply(
                599, "no reply scripted")
        time.sleep(r.get("delay", 0))
        data = r["body"].encode() if isinstance(r["body"], str) else r["body"]
        try:
            self.send(r, data)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True

    def send(self, r, data):
        self.send_response_only(r["status"])
        date = time.time() + r.get("clock_offset", 0)
        self.send_header("Date", email.utils.formatdate(date, usegmt=True))
        self.send_header("x-amzn-RequestId", "header-id")
        self.send_header("Content-Type", "text/xml")
        for name, value in r.get("headers", {}).items():
            self.send_header(name, value)
        if r.get("close_delimited"):
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, certs):
        super().__init__(("127.0.0.1", 0), Handler)
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(os.path.join(certs, "server.pem"),
                            os.path.join(certs, "server-key.pem"))
        self.socket = ctx.wrap_socket(self.socket, server_side=True,
                                      do_handshake_on_connect=False)
        self.lock = threading.Lock()
        self.connections = 0
        self.requests, self.replies = [], []

    def get_request(self):
        sock, addr = super().get_request()
        self.connections += 1
        return sock, addr

    def handle_error(self, request, client_address):
        pass  # refused handshakes and aborted reads are the point

    def reset(self, replies):
        with self.lock:
            self.connections = 0
            self.requests, self.replies = [], list(replies)


def signature_valid(req, token=None):
    """Recomputes the request's signature with botocore's signer."""
    auth = req["headers"]["Authorization"]
    m = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/"
                     r"([^/]+)/aws4_request, SignedHeaders=([^,]+), "
                     r"Signature=([0-9a-f]{64})", auth)
    if m is None:
        return False
    signed = m.group(5).split(";")
    headers = {k: v for k, v in req["headers"].items()
               if k.lower() in signed}
    request = AWSRequest(method="POST", data=req["body"], headers=headers,
                         url=f"https://{req['headers']['Host']}{req['path']}")
    request.context["timestamp"] = req["headers"]["X-Amz-Date"]
    signer = SigV4Auth(Credentials(KEY_ID, SECRET, token), m.group(4),
                       m.group(3))
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical),
                                request)
    return m.group(1) == KEY_ID and expected == m.group(6)


class Cases:
    def __init__(self, server, url, certs):
        self.server, self.url, self.certs = server, url, certs
        self.failures = 0
        tool = "tests/unit/test_aws_client_tool"
        self.tool = os.path.join(os.environ.get("top_builddir", "."), tool)

    def run(self, replies, *commands, ca="ca.pem", timeout=10, url=None,
            token=None):
        self.server.reset(replies)
        args = [url or self.url, os.path.join(self.certs, ca), str(timeout)]
        if token:
            args += ["--token", token]
        wrapper = os.environ.get("AWSMFA_TEST_WRAPPER", "").split()
        env = dict(os.environ, **PROXY_ENV)
        env.pop("NO_PROXY", None)
        env.pop("no_proxy", None)
        out = subprocess.run(wrapper + [self.tool] + args + list(commands),
                             capture_output=True, text=True, env=env,
                             timeout=120)
        if out.returncode != 0:
            raise AssertionError(f"tool failed: {out.stderr}")
        return [self.parse(line) for line in out.stdout.splitlines()]

    @staticmethod
    def parse(line):
        kind, _, rest = line.partition(" ")
        if kind == "status":
            fields, _, detail = rest.partition("|detail=")
            head, _, message = fields.partition(" message=")
            parsed = dict(w.split("=", 1) for w in head.split())
            for name in ("result", "http", "attempts", "lost", "skew_known",
                         "skew", "ms"):
                parsed[name] = int(parsed[name])
            return dict(kind=kind, message=message, detail=detail, **parsed)
        if kind == "device":
            serial, device_kind = rest.split()
            return dict(kind=kind, serial=serial, device=device_kind)
        return dict(kind=kind, **dict(w.split("=", 1) for w in rest.split()))

    def check(self, name, condition, info=""):
        if condition:
            print(f"ok   {name}")
        else:
            self.failures += 1
            print(f"FAIL {name} {info}")


def case_session_token(t):
    out = t.run([reply(body=credentials_xml("GetSessionToken"))],
                "gst", SERIAL, "012345", "3600")
    creds, status = out[0], out[1]
    req = t.server.requests[0]
    t.check("gst succeeds", status["result"] == OK, out)
    t.check("gst key id", creds.get("key") == "ASIAIOSFODNN7EXAMPLE", out)
    t.check("request id from the header", status["request_id"] == "header-id")
    t.check("botocore accepts the signature", signature_valid(req), req)
    t.check("signed headers are host and x-amz-date",
            "SignedHeaders=host;x-amz-date," in req["headers"]["Authorization"])
    t.check("form", req["form"] == {
        "Action": ["GetSessionToken"], "Version": ["2011-06-15"],
        "DurationSeconds": ["3600"], "SerialNumber": [SERIAL],
        "TokenCode": ["012345"]}, req["form"])
    t.check("content type", req["headers"].get("Content-Type") ==
            "application/x-www-form-urlencoded; charset=utf-8")
    t.check("user agent", re.fullmatch(r"pam_awsmfa/\d+\.\d+\.\d+\S*",
                                       req["headers"].get("User-Agent", "")))
    t.check("POST /", req["path"] == "/", req["path"])
    t.check("no proxy from the environment", len(t.server.requests) == 1)


def case_security_token(t):
    out = t.run([reply(body=credentials_xml("GetSessionToken"))],
                "gst", SERIAL, "012345", "3600", token="FQoGZXIvYXdzEXAMPLE")
    req = t.server.requests[0]
    t.check("with a session token", out[-1]["result"] == OK, out)
    t.check("token header sent", req["headers"].get(
        "X-Amz-Security-Token") == "FQoGZXIvYXdzEXAMPLE")
    t.check("token header signed", "SignedHeaders=host;x-amz-date;"
            "x-amz-security-token," in req["headers"]["Authorization"])
    t.check("botocore accepts the token signature",
            signature_valid(req, "FQoGZXIvYXdzEXAMPLE"))


def case_pages_and_one_connection(t):
    fido = "arn:aws:iam::123456789012:u2f/user/alice/key-ABCDEFGHIJKLMNOP"
    out = t.run([reply(body=devices_xml([fido], marker="page+2/=")),
                 reply(body=devices_xml([SERIAL])),
                 reply(body=credentials_xml("GetSessionToken"))],
                "list", "alice", "gst", SERIAL, "012345", "900")
    devices = [o for o in out if o["kind"] == "device"]
    first, second = (r["form"] for r in t.server.requests[:2])
    t.check("two pages read", [(d["serial"], d["device"]) for d in devices]
            == [(fido, "fido"), (SERIAL, "totp")], out)
    t.check("list attempts count every page", out[0]["attempts"] == 2, out)
    t.check("first page without Marker", "Marker" not in first, first)
    t.check("MaxItems and UserName", first.get("MaxItems") == ["100"] and
            first.get("UserName") == ["alice"], first)
    t.check("second page with Marker", second.get("Marker") == ["page+2/="],
            second)
    t.check("IAM and STS signatures", all(
        signature_valid(r) for r in t.server.requests))
    t.check("one TLS connection for the whole login",
            t.server.connections == 1, t.server.connections)


def case_looping_server(t):
    out = t.run([reply(body=devices_xml([SERIAL], marker="again"))] * 3,
                "list", "alice")
    t.check("same Marker twice refused", out[0]["result"] == PROTOCOL_ERROR
            and "same Marker" in out[0]["detail"], out)
    t.check("no devices from a refused list",
            not [o for o in out if o["kind"] == "device"], out)
    endless = [reply(body=devices_xml([], marker=f"m{n}"))
               for n in range(101)]
    out = t.run(endless, "list", "alice")
    t.check("more than 100 pages refused", out[0]["result"] ==
            PROTOCOL_ERROR and "100 pages" in out[0]["detail"], out)
    t.check("stopped at 100 requests", len(t.server.requests) == 100,
            len(t.server.requests))


def case_access_denied_is_final(t):
    denied = reply(403, error_xml("AccessDenied", "MultiFactorAuthentication "
                                  "failed with invalid MFA one time pass "
                                  "code."))
    out = t.run([denied, reply(body=credentials_xml("GetSessionToken"))],
                "gst", SERIAL, "012345", "3600")
    st = out[-1]
    t.check("AccessDenied reported", st["result"] == API_ERROR and
            st["code"] == "AccessDenied" and st["http"] == 403, st)
    t.check("AccessDenied never retried", st["attempts"] == 1 and
            len(t.server.requests) == 1, len(t.server.requests))


def case_retries(t):
    throttled = reply(400, error_xml("Throttling", "Rate exceeded"))
    out = t.run([throttled, throttled,
                 reply(body=credentials_xml("GetSessionToken"))],
                "gst", SERIAL, "012345", "3600")
    t.check("throttling retried", out[-1]["result"] == OK and
            out[-1]["attempts"] == 3, out)
    dates = {r["headers"]["X-Amz-Date"] for r in t.server.requests}
    t.check("each attempt signed", all(signature_valid(r)
                                       for r in t.server.requests), dates)
    unavailable = reply(503, error_xml("ServiceUnavailable", "try later"))
    out = t.run([unavailable] * 5, "gst", SERIAL, "012345", "3600")
    t.check("5xx retried up to 4 attempts", out[-1]["attempts"] == 4 and
            len(t.server.requests) == 4 and out[-1]["code"] ==
            "ServiceUnavailable", out)
    out = t.run([reply(502, "<html>Bad Gateway</html>")] * 4,
                "gst", SERIAL, "012345", "3600")
    t.check("5xx without AWS error is a network error",
            out[-1]["result"] == NETWORK_ERROR, out)
    out = t.run([reply(400, error_xml("ValidationError", "bad"))] * 2,
                "gst", SERIAL, "012345", "3600")
    t.check("other 4xx not retried", out[-1]["attempts"] == 1 and
            out[-1]["code"] == "ValidationError", out)


def case_size_cap(t):
    huge = "<a>" + "x" * (2 * 1024 * 1024) + "</a>"
    for how, extra in (("Content-Length", {}),
                       ("close-delimited", {"close_delimited": True})):
        out = t.run([reply(body=huge, **extra)] * 4,
                    "gst", SERIAL, "012345", "3600")
        t.check(f"oversized body refused ({how})", out[-1]["result"] ==
                PROTOCOL_ERROR and "too large" in out[-1]["detail"] and
                out[-1]["attempts"] == 1, out)
        t.check(f"oversized body's status kept ({how})",
                out[-1]["http"] == 200, out)


def case_clock_skew(t):
    expired = reply(403, error_xml(
        "SignatureDoesNotMatch", "Signature expired: 20261204T100000Z is now "
        "earlier than 20261204T101500Z (20261204T103000Z - 15 min.)"),
        clock_offset=1800)
    out = t.run([expired], "gst", SERIAL, "012345", "3600")
    st = out[-1]
    t.check("skew from the Date header", st["skew_known"] == 1 and
            abs(st["skew"] - 1800) <= 5, st)


def case_time_limit(t):
    out = t.run([reply(body=credentials_xml("GetSessionToken"), delay=4)],
                "gst", SERIAL, "012345", "3600", timeout=1)
    st = out[-1]
    # The call's own time, from the tool: the answer would come after 4 s.
    t.check("time limit ends the call", st["result"] == NETWORK_ERROR and
            st["attempts"] == 1 and st["ms"] < 3500, st)
    # The code left and no answer came: it may have been used.
    t.check("code sent, no answer in time: answer lost", st["lost"] == 1, st)
    out = t.run([reply(body=devices_xml([SERIAL]), delay=4)],
                "list", "alice", timeout=1)
    t.check("no code in the call: nothing lost", out[0]["result"] ==
            NETWORK_ERROR and out[0]["lost"] == 0, out)


def case_transport_refusals(t):
    out = t.run([], "gst", SERIAL, "012345", "3600", ca="other-ca.pem")
    t.check("unknown CA refused, not retried", out[-1]["result"] ==
            NETWORK_ERROR and out[-1]["attempts"] == 1 and
            not t.server.requests, out)
    plain = t.url.replace("https://", "http://")
    out = t.run([], "gst", SERIAL, "012345", "3600", url=plain)
    t.check("plain http refused", out[-1]["result"] == NETWORK_ERROR and
            out[-1]["attempts"] == 1 and not t.server.requests, out)
    moved = reply(302, "", headers={"Location": t.url + "elsewhere"})
    out = t.run([moved, reply(body=credentials_xml("GetSessionToken"))],
                "gst", SERIAL, "012345", "3600")
    t.check("redirect not followed", out[-1]["result"] == PROTOCOL_ERROR and
            len(t.server.requests) == 1, out)


def case_bad_answers(t):
    out = t.run([reply(body="<html>hello</html>")],
                "gst", SERIAL, "012345", "3600")
    t.check("200 without credentials refused",
            out[-1]["result"] == PROTOCOL_ERROR, out)
    out = t.run([reply(body=credentials_xml(
        "GetSessionToken", expires=time.time() - 60))],
        "gst", SERIAL, "012345", "3600")
    t.check("expired credentials refused", out[-1]["result"] ==
            PROTOCOL_ERROR and "future" in out[-1]["detail"], out)
    out = t.run([], "gst", SERIAL, "12345", "3600")
    t.check("malformed code never sent", out[-1]["result"] == LOCAL_ERROR and
            not t.server.requests, out)


def case_assume_role_and_identity(t):
    role = "arn:aws:iam::123456789012:role/operators"
    identity = ("<GetCallerIdentityResponse><GetCallerIdentityResult>"
                "<Arn>arn:aws:iam::123456789012:user/alice</Arn>"
                "<UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>"
                "</GetCallerIdentityResult></GetCallerIdentityResponse>")
    out = t.run([reply(body=credentials_xml("AssumeRole")),
                 reply(body=identity)],
                "assume", role, "alice-session", SERIAL, "012345", "3600",
                "-", "-", "whoami")
    form = t.server.requests[0]["form"]
    t.check("AssumeRole", out[1]["result"] == OK and form == {
        "Action": ["AssumeRole"], "Version": ["2011-06-15"],
        "DurationSeconds": ["3600"], "RoleArn": [role],
        "RoleSessionName": ["alice-session"], "SerialNumber": [SERIAL],
        "TokenCode": ["012345"]}, (out, form))
    t.check("GetCallerIdentity", out[2].get("account") == "123456789012" and
            out[3]["result"] == OK, out)
    out = t.run([reply(body=credentials_xml("AssumeRole"))],
                "assume", role, "alice-session", SERIAL, "012345", "7200",
                "ext:1/2", "alice@example.com")
    form = t.server.requests[0]["form"]
    t.check("AssumeRole with ExternalId and SourceIdentity",
            out[-1]["result"] == OK and
            form.get("ExternalId") == ["ext:1/2"] and
            form.get("SourceIdentity") == ["alice@example.com"] and
            form.get("DurationSeconds") == ["7200"], (out, form))
    for bad in ("a", "has space", "ops:alice", "x" * 65):
        out = t.run([], "assume", role, "alice-session", SERIAL, "012345",
                    "3600", "-", bad)
        t.check(f"SourceIdentity {bad!r} never sent",
                out[-1]["result"] == LOCAL_ERROR and
                "SourceIdentity is not 2 to 64" in out[-1]["detail"] and
                not t.server.requests, out)


def main():
    top_srcdir = os.environ.get("top_srcdir", ".")
    with tempfile.TemporaryDirectory() as certs:
        subprocess.run(["sh", os.path.join(top_srcdir, "tests/emulator/"
                                           "mkcerts.sh"), certs], check=True)
        server = Server(certs)
        threading.Thread(target=server.serve_forever, args=(0.05,),
                         daemon=True).start()
        t = Cases(server, f"https://127.0.0.1:{server.server_address[1]}/",
                  certs)
        for case in (case_session_token, case_security_token,
                     case_pages_and_one_connection, case_looping_server,
                     case_access_denied_is_final, case_retries,
                     case_size_cap, case_clock_skew, case_time_limit,
                     case_transport_refusals, case_bad_answers,
                     case_assume_role_and_identity):
            try:
                case(t)
            except Exception as e:  # a broken case must not hide the rest
                t.check(case.__name__, False, f"stopped: {e!r}")
        server.shutdown()
    print(f"{t.failures} failures")
    return 1 if t.failures else 0


if __name__ == "__main__":
    sys.exit(main())
