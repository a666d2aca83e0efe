#!/bin/sh
# Every man page renders without a single groff warning.
set -u
status=0
for page in "$top_srcdir"/doc/*.[0-9]; do
    out=$(groff -man -ww -z "$page" 2>&1)
    if [ -n "$out" ]; then
        echo "FAIL: $page"
        echo "$out"
        status=1
    else
        echo "ok: $page"
    fi
done
exit $status
