"""The AWS errors the emulator answers with: code, HTTP status and the
wording AWS uses (as seen in AWS's answers quoted in public bug reports
and AWS's own error lists).  One place, so the wording is easy to check."""


class AwsError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def missing_authentication_token():
    return AwsError("MissingAuthenticationToken",
                    "Request is missing Authentication Token", 403)


def incomplete_signature(problems, authorization):
    return AwsError("IncompleteSignature",
                    " ".join(problems) + f" Authorization={authorization}",
                    400)


def invalid_client_token_id(service):
    # STS ends the sentence with a full stop, IAM does not.
    text = "The security token included in the request is invalid"
    return AwsError("InvalidClientTokenId",
                    text + ("." if service == "sts" else ""), 403)


def expired_token():
    return AwsError("ExpiredToken",
                    "The security token included in the request is expired",
                    403)


def signature_does_not_match(detail=None):
    text = detail or (
        "The request signature we calculated does not match the signature "
        "you provided. Check your AWS Secret Access Key and signing method. "
        "Consult the service documentation for details.")
    return AwsError("SignatureDoesNotMatch", text, 403)


def signature_expired(signed, earliest, now):
    return signature_does_not_match(
        f"Signature expired: {signed} is now earlier than {earliest} "
        f"({now} - 15 min.)")


def signature_not_yet_current(signed, latest, now):
    return signature_does_not_match(
        f"Signature not yet current: {signed} is still later than {latest} "
        f"({now} + 15 min.)")


def scope_date_mismatch(scope_date, amz_date):
    return signature_does_not_match(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 "
        f"version of date from HTTP: '{scope_date}' != '{amz_date[:8]}', "
        f"from '{amz_date}'.")


def invalid_region(region):
    return signature_does_not_match(
        f"Credential should be scoped to a valid region, not '{region}'. ")


def invalid_action(action, version):
    return AwsError("InvalidAction",
                    f"Could not find operation {action} for version "
                    f"{version}", 400)


def missing_parameter(name):
    return AwsError("MissingParameter",
                    f"The request must contain the parameter {name}", 400)


def validation(problems):
    count = len(problems)
    noun = "error" if count == 1 else "errors"
    return AwsError("ValidationError",
                    f"{count} validation {noun} detected: "
                    + "; ".join(problems), 400)


def validation_text(text):
    return AwsError("ValidationError", text, 400)


def mfa_invalid_code():
    # Wrong and reused codes get exactly this (with its trailing space).
    return AwsError("AccessDenied",
                    "MultiFactorAuthentication failed with invalid MFA one "
                    "time pass code. ", 403)


def mfa_unknown_device():
    return AwsError("AccessDenied",
                    "MultiFactorAuthentication failed, unable to validate "
                    "MFA code.  Please verify your MFA serial number is "
                    "valid and associated with this user.", 403)


def session_credentials_refused(action):
    return AwsError("AccessDenied",
                    f"Cannot call {action} with session credentials", 403)


def not_authorized(caller_arn, action, resource):
    return AwsError("AccessDenied",
                    f"User: {caller_arn} is not authorized to perform: "
                    f"{action} on resource: {resource}", 403)


def no_such_user(name):
    return AwsError("NoSuchEntity",
                    f"The user with name {name} cannot be found.", 404)


def throttling():
    return AwsError("Throttling", "Rate exceeded", 400)


def server_error(status):
    if status == 503:
        return AwsError("ServiceUnavailable",
                        "The request has failed due to a temporary failure "
                        "of the server.", 503)
    return AwsError("InternalFailure",
                    "The request processing has failed because of an "
                    "unknown error, exception or failure.", status)
