"""AWS Query-protocol XML bodies: results and errors, shaped as STS and
IAM send them (namespace per service, ResponseMetadata/RequestId, lists as
<member> elements, ErrorResponse with Type/Code/Message and RequestId)."""

from xml.sax.saxutils import escape

NAMESPACES = {
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
}


def _render(name, value, indent):
    pad = "  " * indent
    if isinstance(value, dict):
        inner = "".join(_render(k, v, indent + 1) for k, v in value.items()
                        if v is not None)
        return f"{pad}<{name}>\n{inner}{pad}</{name}>\n"
    if isinstance(value, list):
        inner = "".join(_render("member", v, indent + 1) for v in value)
        return f"{pad}<{name}>\n{inner}{pad}</{name}>\n"
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"{pad}<{name}>{escape(str(value))}</{name}>\n"


def result(service, action, fields, request_id):
    """<ActionResponse><ActionResult>fields</ActionResult>...</...>.
    `fields` maps element names to text, dicts (nested) or lists."""
    body = _render(f"{action}Result", fields, 1)
    meta = _render("ResponseMetadata", {"RequestId": request_id}, 1)
    return (f'<{action}Response xmlns="{NAMESPACES[service]}">\n'
            f"{body}{meta}</{action}Response>\n").encode()


def error(service, code, message, request_id, status):
    kind = "Receiver" if status >= 500 else "Sender"
    inner = _render("Error", {"Type": kind, "Code": code,
                              "Message": message}, 1)
    return (f'<ErrorResponse xmlns="{NAMESPACES[service]}">\n{inner}'
            f"  <RequestId>{escape(request_id)}</RequestId>\n"
            "</ErrorResponse>\n").encode()

