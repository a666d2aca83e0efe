"""The fault queue: misbehaviour that tests ask for, consumed in order by
the requests (or TLS handshakes) it matches."""

import threading

# Each kind and the extra fields it needs (with their defaults).
KINDS = {
    "delay": {"seconds": None},       # wait, then answer normally
    "status": {"status": 500},        # 500 or 503, AWS-style error body
    "throttle": {},                   # 400 Throttling "Rate exceeded"
    "close": {},                      # close the connection, no answer
    "hang": {},                       # read the request, never answer
    "truncate": {},                   # full Content-Length, half a body
    "garbage": {},                    # 200 with a body that is not XML
    "empty": {},                      # 200 with an empty body
    "oversize": {},                   # 200 with a body over 10 MiB
    "missing_credentials": {},        # 200, a Result without Credentials
    "past_expiration": {},            # 200, Expiration an hour ago
    "credentials": {"fields": None},  # 200, Credentials fields replaced
    "wrong_cert": {},                 # next handshake: wrong.invalid cert
}


class FaultError(ValueError):
    pass


def _checked(doc):
    if not isinstance(doc, dict) or doc.get("kind") not in KINDS:
        raise FaultError(f"unknown fault: {doc!r}")
    fault = {"match": doc.get("match", "*"), "kind": doc["kind"],
             "count": int(doc.get("count", 1))}
    for name, default in KINDS[doc["kind"]].items():
        value = doc.get(name, default)
        if value is None:
            raise FaultError(f"fault {doc['kind']} needs '{name}'")
        fault[name] = value
    if fault["kind"] == "status" and fault["status"] not in (500, 503):
        raise FaultError("status faults are 500 or 503")
    if fault["count"] < 1:
        raise FaultError("count must be at least 1")
    if fault["kind"] == "credentials":
        _check_credential_fields(fault["fields"])
    return fault


CREDENTIAL_FIELDS = ("AccessKeyId", "SecretAccessKey", "SessionToken",
                     "Expiration")


def _check_credential_fields(fields):
    if not isinstance(fields, dict) or not fields or any(
            name not in CREDENTIAL_FIELDS or not isinstance(value, str)
            for name, value in fields.items()):
        raise FaultError("credentials faults need 'fields': text for some "
                         f"of {', '.join(CREDENTIAL_FIELDS)}")


class FaultQueue:
    def __init__(self):
        self._lock = threading.Lock()
        self._queue = []

    def add(self, docs):
        """Checks every fault before queueing any."""
        faults = [_checked(d) for d in docs]
        with self._lock:
            self._queue.extend(faults)
            return len(self._queue)

    def clear(self):
        with self._lock:
            self._queue.clear()

    def pending(self):
        with self._lock:
            return [dict(f) for f in self._queue]

    def _take(self, wanted):
        with self._lock:
            for fault in self._queue:
                if wanted(fault):
                    fault["count"] -= 1
                    if fault["count"] == 0:
                        self._queue.remove(fault)
                    return dict(fault)
            return None

    def take_for_request(self, action):
        """The first request-level fault matching this Action, or None."""
        return self._take(lambda f: f["kind"] != "wrong_cert" and
                          f["match"] in ("*", action))

    def take_for_handshake(self):
        """A pending wrong_cert fault (any match: a handshake comes before
        the request says its Action), or None."""
        return self._take(lambda f: f["kind"] == "wrong_cert")
