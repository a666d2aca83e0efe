#!/bin/sh
# Makes a throwaway test PKI for the AWS emulator (test equipment only):
#   ca.pem                       the test CA the clients trust
#   server.pem, server-key.pem   127.0.0.1 / localhost, signed by ca.pem
#   wronghost.pem, -key.pem      signed by ca.pem, but for wrong.invalid only
#   other-ca.pem                 a second CA that signed nothing we serve
# EC P-256 keys keep it fast.  Usage: mkcerts.sh OUTDIR
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
out=$1
mkdir -p "$out"
umask 077
work=$(mktemp -d -p "$out")
trap 'rm -rf "$work"' EXIT

# The control helper (emulator.py) asks for this name by SNI, so that its
# own handshakes never consume a "wrong_cert" fault meant for a client.
control_name=control.awsemu.invalid

new_key() {
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
        -out "$1" 2>/dev/null
}

new_ca() { # KEY CERT SUBJECT
    new_key "$1"
    openssl req -x509 -new -key "$1" -out "$2" -days 30 -subj "$3" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

new_leaf() { # NAME SAN
    new_key "$work/$1-key.pem"
    openssl req -new -key "$work/$1-key.pem" -out "$work/$1.csr" \
        -subj "/CN=awsemu $1" 2>/dev/null
    printf '%s\n' "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature" \
        "extendedKeyUsage=serverAuth" "subjectAltName=$2" \
        >"$work/$1.ext"
    openssl x509 -req -in "$work/$1.csr" -CA "$work/ca.pem" \
        -CAkey "$work/ca-key.pem" -CAcreateserial -days 30 \
        -extfile "$work/$1.ext" -out "$work/$1.pem" 2>/dev/null
}

new_ca "$work/ca-key.pem" "$work/ca.pem" "/CN=awsemu test CA"
new_ca "$work/other-ca-key.pem" "$work/other-ca.pem" "/CN=awsemu other CA"
new_leaf server "IP:127.0.0.1,DNS:localhost,DNS:$control_name"
new_leaf wronghost "DNS:wrong.invalid"

for f in ca.pem other-ca.pem server.pem wronghost.pem; do
    chmod 644 "$work/$f"
done
# Move into place last, so a reader never sees half a set.
for f in ca.pem other-ca.pem server.pem server-key.pem wronghost.pem \
    wronghost-key.pem; do
    mv -f "$work/$f" "$out/$f"
done
