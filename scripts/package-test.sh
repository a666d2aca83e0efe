#!/bin/sh
# The admin's path: build the Debian package from the tracked files,
# check it with lintian (no errors, no warnings), install it on this
# machine, and run one login through the installed module against the
# AWS emulator.  Needs root and a build in $BUILD_DIR (for the test
# driver).  Usage: package-test.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir "$work/src"
(cd "$top" && git ls-files -z | tar --null -T - -cf -) | tar -x -C "$work/src"
(cd "$work/src" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) ||
    { tail -50 "$work/build.log"; exit 1; }
lintian --fail-on error,warning "$work"/*.changes
deb=$(ls "$work"/libpam-awsmfa_*.deb)
dpkg -i "$deb" >/dev/null
dpkg -L libpam-awsmfa
module=/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/security/pam_awsmfa.so
test -f "$module"
test -f /etc/security/pam_awsmfa.conf
examples=/usr/share/doc/libpam-awsmfa/examples
for f in iam/README.md iam/operators-require-mfa.json pam.d/sshd pam.d/sudo \
    sshd_config.d/pam_awsmfa.conf; do
    test -f "$examples/$f" || { echo "missing $examples/$f"; exit 1; }
done
echo "--- one login through the installed $module"
AWSMFA_TEST_MODULE=$module /usr/bin/python3 "$top/scripts/demo.py" "$build"
