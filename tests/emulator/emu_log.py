"""The request log: one JSON object per AWS request (never control
requests), kept in memory for /_emulator/requests and appended to a JSON
lines file.  Only selected, non-secret parameters are recorded: never a
TokenCode, a secret key or a session token."""

import json
import threading
import time

# Parameters worth seeing in a log; everything else is left out.  (An
# ExternalId is not a secret: AWS documents it as an identifier the
# trusting account hands out.)
RECORDED_PARAMS = ("UserName", "SerialNumber", "DurationSeconds", "Marker",
                   "MaxItems", "RoleArn", "RoleSessionName", "ExternalId",
                   "SourceIdentity")


def recorded_params(params):
    return {k: params[k] for k in RECORDED_PARAMS if k in params}


class RequestLog:
    def __init__(self, path=None):
        self._lock = threading.Lock()
        self._entries = []
        self._file = open(path, "a", encoding="utf-8") if path else None

    def add(self, entry):
        entry = dict(entry, time=time.strftime(
            "%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z")
        line = json.dumps(entry, sort_keys=True)
        with self._lock:
            self._entries.append(entry)
            if self._file is not None:
                self._file.write(line + "\n")
                self._file.flush()

    def entries(self):
        with self._lock:
            return list(self._entries)

    def clear(self):
        """Forgets the in-memory entries; the file keeps everything."""
        with self._lock:
            self._entries.clear()

    def close(self):
        if self._file is not None:
            self._file.close()
