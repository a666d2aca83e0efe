#!/bin/sh
# The two quick-start commands:
#   ./dev.sh demo   one real login through the PAM stack against the
#                   bundled AWS emulator, then the aws CLI with its result
#   ./dev.sh test   the whole test suite (what CI runs)
# Both install what is missing on Debian 12 first (as root) and build.
set -eu
top=$(cd "$(dirname "$0")" && pwd)
case "${1:-}" in
demo)
    "$top/scripts/install-deps.sh"
    "$top/scripts/build.sh"
    exec /usr/bin/python3 "$top/scripts/demo.py" "$top/build"
    ;;
test)
    "$top/scripts/install-deps.sh"
    exec "$top/scripts/test-all.sh"
    ;;
*)
    echo "usage: $0 demo|test" >&2
    exit 64
    ;;
esac
