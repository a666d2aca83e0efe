"""Who signed a request, checked the way AWS does: the Authorization
header's parts, the access key (long-term or a session this emulator
issued), the signing time against the emulator's clock (15 minutes either
way), and the signature itself, recomputed by botocore's SigV4 signer
(never by the code under test) over the request as received."""

import calendar
import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import emu_errors

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW_SECONDS = 15 * 60
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
REGION_PATTERN = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]+")


@dataclass
class Caller:
    service: str
    region: str
    access_key_id: str
    user: object  # emu_state.User
    session: object = None  # emu_state.Session for temporary credentials


@dataclass
class Received:
    """An HTTP request as it arrived."""
    method: str
    target: str  # path and query, as sent
    headers: list  # [(name, value)], in order, repeats kept
    body: bytes

    def header(self, name):
        wanted = name.lower()
        return next((v for n, v in self.headers if n.lower() == wanted),
                    None)


class _AsReceived(SigV4Auth):
    """botocore's signer, signing exactly the headers the client said it
    signed (SignedHeaders) instead of choosing its own."""

    def __init__(self, credentials, service, region, signed_names):
        super().__init__(credentials, service, region)
        self._signed_names = signed_names

    def headers_to_sign(self, request):
        chosen = type(request.headers)()
        for name, value in request.headers.items():
            if name.lower() in self._signed_names:
                chosen[name.lower()] = value
        return chosen


def _parse_authorization(value):
    """{'Credential': ..., 'SignedHeaders': ..., 'Signature': ...}, with
    IncompleteSignature as AWS words it for missing parts."""
    parts = {}
    if value.startswith(ALGORITHM + " "):
        for item in value[len(ALGORITHM) + 1:].split(","):
            name, sep, text = item.strip().partition("=")
            if sep:
                parts[name] = text
    return parts


def _missing_parts(parts, received):
    problems = [f"Authorization header requires '{name}' parameter."
                for name in ("Credential", "Signature", "SignedHeaders")
                if not parts.get(name)]
    if not received.header("X-Amz-Date") and not received.header("Date"):
        problems.append("Authorization header requires existence of either "
                        "a 'X-Amz-Date' or a 'Date' header.")
    return problems


def _signing_time(received):
    """The request's signing time as 'YYYYMMDDTHHMMSSZ' and as epoch."""
    amz_date = received.header("X-Amz-Date")
    try:
        if amz_date is not None:
            parsed = time.strptime(amz_date, AMZ_DATE_FORMAT)
            return amz_date, calendar.timegm(parsed)
        when = parsedate_to_datetime(received.header("Date"))
        return when.strftime(AMZ_DATE_FORMAT), when.timestamp()
    except (ValueError, TypeError):
        raise emu_errors.AwsError(
            "IncompleteSignature",
            "Date must be in ISO-8601 'basic format'. Got "
            f"'{amz_date or received.header('Date')}'. See "
            "http://en.wikipedia.org/wiki/ISO_8601")


def _check_time(amz_date, signed_at, now):
    def stamp(t):
        return time.strftime(AMZ_DATE_FORMAT, time.gmtime(t))
    if signed_at < now - MAX_SKEW_SECONDS:
        raise emu_errors.signature_expired(
            amz_date, stamp(now - MAX_SKEW_SECONDS), stamp(now))
    if signed_at > now + MAX_SKEW_SECONDS:
        raise emu_errors.signature_not_yet_current(
            amz_date, stamp(now + MAX_SKEW_SECONDS), stamp(now))


@dataclass
class Scope:
    """Credential=AKID/DATE/REGION/SERVICE/aws4_request"""
    access_key_id: str
    date: str
    region: str
    service: str


def _parse_scope(credential, authorization):
    fields = credential.split("/")
    if len(fields) != 5 or fields[4] != "aws4_request" or not all(fields):
        raise emu_errors.incomplete_signature(
            ["Authorization header requires 'Credential' parameter."],
            authorization)
    return Scope(*fields[:4])


def _check_scope(scope, service_hint, fixture):
    if scope.service not in ("sts", "iam"):
        raise emu_errors.signature_does_not_match(
            "Credential should be scoped to correct service: "
            f"'{service_hint}'. ")
    if scope.service == "iam":
        # IAM is global: one signing region per partition.
        if scope.region != fixture.iam_region:
            raise emu_errors.invalid_region(scope.region)
    elif not REGION_PATTERN.fullmatch(scope.region):
        raise emu_errors.invalid_region(scope.region)


def _find_key(access_key_id, service, received, state):
    """(User, secret, Session or None) for the key, or AWS's error."""
    token = received.header("X-Amz-Security-Token")
    known = state.fixture.keys.get(access_key_id)
    if known is not None:
        if token is not None:
            raise emu_errors.invalid_client_token_id(service)
        return known[0], known[1], None
    session = state.session(access_key_id)
    if session is None or token is None or not hmac.compare_digest(
            token.encode(), session.token.encode()):
        raise emu_errors.invalid_client_token_id(service)
    if state.now() >= session.expiration:
        raise emu_errors.expired_token()
    return session.user, session.secret_access_key, session


def _signature(received, secret, scope, signed_names, amz_date):
    host = received.header("Host") or ""
    request = AWSRequest(method=received.method,
                         url=f"https://{host}{received.target}",
                         data=received.body)
    for name, value in received.headers:
        request.headers[name] = value  # appends: repeats are kept
    request.context["timestamp"] = amz_date
    signer = _AsReceived(Credentials(scope.access_key_id, secret),
                         scope.service, scope.region, signed_names)
    canonical = signer.canonical_request(request)
    return signer.signature(signer.string_to_sign(request, canonical),
                            request)


def _check_payload_hash(received):
    # botocore trusts this header as the payload's hash; AWS does not
    # take a client's word for it, and neither do we.
    declared = received.header("X-Amz-Content-SHA256")
    if declared is not None and declared != hashlib.sha256(
            received.body).hexdigest():
        raise emu_errors.signature_does_not_match()


def authenticate(received, service_hint, state):
    """The Caller, or the AwsError AWS would answer with.  service_hint is
    the service that has the request's Action, for messages."""
    authorization = received.header("Authorization")
    if authorization is None:
        raise emu_errors.missing_authentication_token()
    parts = _parse_authorization(authorization)
    problems = _missing_parts(parts, received)
    if problems:
        raise emu_errors.incomplete_signature(problems, authorization)
    scope = _parse_scope(parts["Credential"], authorization)
    _check_scope(scope, service_hint, state.fixture)
    user, secret, session = _find_key(scope.access_key_id, scope.service,
                                      received, state)
    amz_date, signed_at = _signing_time(received)
    if amz_date[:8] != scope.date:
        raise emu_errors.scope_date_mismatch(scope.date, amz_date)
    _check_time(amz_date, signed_at, state.now())
    _check_payload_hash(received)
    signed_names = set(parts["SignedHeaders"].lower().split(";"))
    expected = _signature(received, secret, scope, signed_names, amz_date)
    if not hmac.compare_digest(expected, parts["Signature"]):
        raise emu_errors.signature_does_not_match()
    return Caller(scope.service, scope.region, scope.access_key_id, user,
                  session)
