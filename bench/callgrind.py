"""Instructions executed by one run of a client, from valgrind's
callgrind, split by the object (executable or shared library) whose code
ran them.  Instruction counts barely move between runs, so they compare
clients even on a noisy machine."""

import collections
import os
import re

VALGRIND = ["valgrind", "--tool=callgrind", "--dump-instr=no",
            "--collect-systime=no", "--quiet"]

# Objects grouped the way the report wants them, first match wins.
GROUPS = (("pam_awsmfa", re.compile(r"pam_awsmfa\.so$")),
          ("libcurl", re.compile(r"libcurl[-\w]*\.so")),
          ("OpenSSL", re.compile(r"lib(ssl|crypto)\.so")),
          ("libc + loader", re.compile(r"(libc\.so|ld-linux[-\w]*\.so)")),
          ("PAM", re.compile(r"(libpam\.so|pam_\w+\.so|pamdrive$)")),
          ("json-c + expat", re.compile(r"lib(json-c|expat)\.so")))
OTHERS = "others (curl tool, zlib, nghttp2, ...)"


def wrapper(out_file):
    return VALGRIND + [f"--callgrind-out-file={out_file}"]


def _name(table, spec):
    """Callgrind compresses names: "(n) name" defines, "(n)" refers."""
    match = re.match(r"\((\d+)\)\s*(.*)", spec)
    if match is None:
        return spec
    if match.group(2):
        table[match.group(1)] = match.group(2)
    return table.get(match.group(1), "?")


def self_cost_by_object(path):
    """{object: Ir spent in its own code}.  The cost line after a
    calls= line is the callee's inclusive cost: it is not the caller's
    own, so it is skipped."""
    objects, totals = {}, collections.Counter()
    current, skip_next = "?", False
    with open(path) as f:
        for line in f:
            if line.startswith("ob="):
                current = _name(objects, line[3:].strip())
            elif line.startswith("cob="):
                _name(objects, line[4:].strip())
            elif line.startswith("calls="):
                skip_next = True
            elif line[:1].isdigit() or line[:1] in "+-*":
                if skip_next:
                    skip_next = False
                    continue
                fields = line.split()
                if len(fields) >= 2:
                    totals[current] += int(fields[1])
    return totals


def grouped(totals):
    groups = collections.Counter()
    for obj, cost in totals.items():
        base = os.path.basename(obj)
        for group, pattern in GROUPS:
            if pattern.search(base):
                groups[group] += cost
                break
        else:
            groups[OTHERS] += cost
    return groups
