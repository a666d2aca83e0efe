"""The control endpoint, for tests: unsigned JSON on paths under
/_emulator/ only (an Action never reaches it).

  POST /_emulator/faults   {"faults": [FAULT, ...]}  appends to the queue
  GET  /_emulator/faults   the faults still pending
  POST /_emulator/clock    {"offset": SECONDS}       moves the clock
  GET  /_emulator/clock    {"offset": ..., "now": epoch}
  POST /_emulator/reset    faults, clock, used codes, sessions, request log
  GET  /_emulator/requests the request log"""

import json

import emu_faults


def _clock(server):
    return {"offset": server.state.clock_offset, "now": server.state.now()}


def _post_faults(server, doc):
    return {"pending": server.faults.add(doc["faults"])}


def _post_clock(server, doc):
    server.state.set_clock_offset(float(doc["offset"]))
    return _clock(server)


def _post_reset(server, doc):
    server.faults.clear()
    server.state.reset()
    server.log.clear()
    return {"reset": True}


ROUTES = {
    ("GET", "/_emulator/faults"): lambda s, d: s.faults.pending(),
    ("POST", "/_emulator/faults"): _post_faults,
    ("GET", "/_emulator/clock"): lambda s, d: _clock(s),
    ("POST", "/_emulator/clock"): _post_clock,
    ("POST", "/_emulator/reset"): _post_reset,
    ("GET", "/_emulator/requests"): lambda s, d: s.log.entries(),
}


def handle(server, method, path, body):
    """(HTTP status, JSON-able answer)."""
    route = ROUTES.get((method, path))
    if route is None:
        return 404, {"error": f"no control endpoint {method} {path}"}
    try:
        doc = json.loads(body or b"{}") if method == "POST" else None
        return 200, route(server, doc)
    except (ValueError, KeyError, TypeError,
            emu_faults.FaultError) as e:
        return 400, {"error": f"bad control request: {e}"}
