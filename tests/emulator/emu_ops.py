"""The STS and IAM operations the emulator answers, with AWS's rules:
MFA codes (TOTP window, no reuse, the caller's own devices only), what
session credentials may and may not do, pagination, who may look up whom.
Each returns the fields of its <ActionResult>, or raises an AwsError."""

import base64
import secrets
import time

import emu_errors
import emu_state
import emu_totp

DEFAULT_SESSION_SECONDS = 43200
DEFAULT_ROLE_SESSION_SECONDS = 3600
DEFAULT_MAX_ITEMS = 100
# A fixed date, so repeated answers compare equal.
CREATED = "2024-01-15T09:30:00Z"


def _caller_arn(caller):
    session = caller.session
    if session is not None and session.role is not None:
        return (f"arn:aws:sts::{caller.user.account}:assumed-role/"
                f"{session.role.name}/{session.role_session_name}")
    return caller.user.arn


def _check_mfa(params, caller, state):
    """The serial of the MFA device the request proved, or None."""
    serial, code = params.get("SerialNumber"), params.get("TokenCode")
    if serial is None and code is None:
        return None
    device = caller.user.device(serial) if serial else None
    # A serial without a code (or the reverse) cannot be validated either;
    # AWS's answer for that case is not documented, this is the closest.
    if device is None or device.kind == "fido" or not device.seed or \
            code is None:
        raise emu_errors.mfa_unknown_device()
    step = emu_totp.matching_step(device.seed, code, state.now())
    # A code already accepted is refused exactly like a wrong one.
    if step is None or not state.use_step(device.serial, step):
        raise emu_errors.mfa_invalid_code()
    return device.serial


def _format_time(epoch, fraction):
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch))
    if fraction:
        text += f".{int(epoch * 1000) % 1000:03d}"
    return text + "Z"


def _new_token(wrap):
    # Real tokens are several hundred base64 characters, '+' and '/'
    # included, with no stated maximum length.
    token = "IQoJb3JpZ2luX2VjE" + base64.b64encode(
        secrets.token_bytes(420)).decode()
    if wrap:
        # Some answers wrap it over lines; clients must strip the space.
        token = "\n        ".join(token[i:i + 76]
                                  for i in range(0, len(token), 76))
    return token


def _issue(state, user, seconds, mfa_serial, role=None, session_name=None,
           past_expiration=False):
    fixture = state.fixture
    now = state.now()
    if not fixture.expiration_fraction:
        now = int(now)
    expiration = now - 3600 if past_expiration else now + seconds
    token = _new_token(fixture.wrap_session_token)
    session = emu_state.Session(
        emu_state.new_key_id("ASIA"), secrets.token_urlsafe(30)[:40],
        "".join(token.split()), expiration, user, mfa_serial, role,
        session_name)
    state.add_session(session)
    return {"SessionToken": token,
            "SecretAccessKey": session.secret_access_key,
            "Expiration": _format_time(expiration,
                                       fixture.expiration_fraction),
            "AccessKeyId": session.access_key_id}


def get_session_token(params, caller, state, past_expiration=False):
    if caller.session is not None:
        raise emu_errors.session_credentials_refused("GetSessionToken")
    serial = _check_mfa(params, caller, state)
    seconds = int(params.get("DurationSeconds", DEFAULT_SESSION_SECONDS))
    cap = state.fixture.max_session_seconds
    if cap:
        seconds = min(seconds, int(cap))
    return {"Credentials": _issue(state, caller.user, seconds, serial,
                                  past_expiration=past_expiration)}


def assume_role(params, caller, state, past_expiration=False):
    arn = params["RoleArn"]
    role = state.fixture.roles.get(arn)
    refused = emu_errors.not_authorized(_caller_arn(caller),
                                        "sts:AssumeRole", arn)
    if role is None or caller.user.name not in role.trust or (
            caller.session is not None and caller.session.role is not None):
        raise refused
    serial = _check_mfa(params, caller, state)
    if serial is None and caller.session is not None:
        serial = caller.session.mfa_serial
    if role.require_mfa and serial is None:
        raise refused
    if "SourceIdentity" in params and not role.allow_source_identity:
        raise emu_errors.not_authorized(_caller_arn(caller),
                                        "sts:SetSourceIdentity", arn)
    seconds = int(params.get("DurationSeconds",
                             DEFAULT_ROLE_SESSION_SECONDS))
    if seconds > role.max_session_seconds:
        raise emu_errors.validation_text(
            "The requested DurationSeconds exceeds the MaxSessionDuration "
            "set for this role.")
    name = params["RoleSessionName"]
    result = {"Credentials": _issue(state, caller.user, seconds, serial,
                                    role, name, past_expiration),
              "AssumedRoleUser": {
                  "AssumedRoleId": f"{role.role_id}:{name}",
                  "Arn": f"arn:aws:sts::{caller.user.account}:assumed-role/"
                         f"{role.name}/{name}"}}
    if "SourceIdentity" in params:
        result["SourceIdentity"] = params["SourceIdentity"]
    return result


def get_caller_identity(params, caller, state):
    session = caller.session
    if session is not None and session.role is not None:
        user_id = f"{session.role.role_id}:{session.role_session_name}"
    else:
        user_id = caller.user.user_id
    return {"Arn": _caller_arn(caller), "UserId": user_id,
            "Account": caller.user.account}


def _iam_target(params, caller, state, action):
    """The IAM user an IAM call is about, after AWS's checks on who
    asks: session credentials need MFA context; a role session must name
    a user; looking up someone else needs the fixture's permission."""
    session = caller.session
    if session is not None and session.role is None and \
            session.mfa_serial is None:
        raise emu_errors.invalid_client_token_id("iam")
    is_role = session is not None and session.role is not None
    name = params.get("UserName")
    if name is None and is_role:
        raise emu_errors.validation_text(
            "Must specify userName when calling with non-User credentials")
    name = name or caller.user.name
    if is_role or not caller.user.may_look_up(name):
        raise emu_errors.not_authorized(
            _caller_arn(caller), f"iam:{action}",
            f"user {name} because no identity-based policy allows the "
            f"iam:{action} action")
    user = state.fixture.users.get(name)
    if user is None:
        raise emu_errors.no_such_user(name)
    return user


def _marker_offset(marker, user):
    try:
        name, _, offset = base64.urlsafe_b64decode(
            marker.encode()).decode().rpartition(":")
        if name == user.name and 0 < int(offset) <= len(user.devices):
            return int(offset)
    except ValueError:
        pass
    raise emu_errors.validation_text("Invalid Marker.")


def list_mfa_devices(params, caller, state):
    user = _iam_target(params, caller, state, "ListMFADevices")
    start = 0
    if "Marker" in params:
        start = _marker_offset(params["Marker"], user)
    size = int(params.get("MaxItems", DEFAULT_MAX_ITEMS))
    if user.page_size:
        # IAM may return fewer than asked for, with IsTruncated true.
        size = min(size, user.page_size)
    page = user.devices[start:start + size]
    result = {"MFADevices": [{"UserName": user.name,
                              "SerialNumber": d.serial,
                              "EnableDate": CREATED} for d in page],
              "IsTruncated": start + size < len(user.devices)}
    if result["IsTruncated"]:
        result["Marker"] = base64.urlsafe_b64encode(
            f"{user.name}:{start + size}".encode()).decode()
    return result


def get_user(params, caller, state):
    user = _iam_target(params, caller, state, "GetUser")
    return {"User": {"Path": user.path, "UserName": user.name,
                     "UserId": user.user_id, "Arn": user.arn,
                     "CreateDate": CREATED}}


OPERATIONS = {
    ("sts", "GetSessionToken"): get_session_token,
    ("sts", "AssumeRole"): assume_role,
    ("sts", "GetCallerIdentity"): get_caller_identity,
    ("iam", "ListMFADevices"): list_mfa_devices,
    ("iam", "GetUser"): get_user,
}
# Operations that issue credentials, for the *_expiration/credentials faults.
ISSUING = {"GetSessionToken", "AssumeRole"}
