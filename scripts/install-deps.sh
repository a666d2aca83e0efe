#!/bin/sh
# Installs what building and testing pam_awsmfa needs on Debian 12.
# Run as root (the quick start does); installs only what is missing.
set -eu

PACKAGES="build-essential autoconf automake libtool pkg-config
libpam0g-dev libcurl4-openssl-dev libssl-dev libjson-c-dev libexpat1-dev
libcmocka-dev libpam-wrapper libpamtest0-dev
python3 python3-botocore awscli oathtool openssl ca-certificates
pamtester openssh-server openssh-client sudo expect python3-pexpect
valgrind clang groff-base zsh
debhelper dh-autoreconf dpkg-dev fakeroot lintian git tinyproxy"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
        grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing packages:$missing" >&2
    echo "install-deps: run as root, or: apt-get install$missing" >&2
    exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
