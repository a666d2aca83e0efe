#!/bin/sh
# Configures and builds pam_awsmfa out of tree in $BUILD_DIR (default
# ./build).  Extra arguments go to configure.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi >/dev/null)
mkdir -p "$build"
cd "$build"
[ -f Makefile ] || "$top/configure" -q --enable-werror "$@"
make -s -j"$(nproc)"
# The test programs too (the demo drives a login with pamdrive), without
# running any test.
make -s -j"$(nproc)" check TESTS= >/dev/null
