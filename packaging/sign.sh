#!/usr/bin/env bash
# packaging/sign.sh CERT KEY FILE...: Authenticode-signs each FILE (PE or
# MSI) in place with osslsigncode, SHA-256, the certificate chain in CERT
# (PEM) and its private key KEY (PEM).  No timestamp: a timestamp server is
# a network service, and the build machines have no network; a signature
# without one stays valid only while the certificate does.
set -euo pipefail
[[ $# -ge 3 ]] || { echo "usage: $0 CERT KEY FILE..." >&2; exit 2; }
cert=$1 key=$2; shift 2
[[ -r $cert ]] || { echo "sign.sh: cannot read certificate $cert" >&2; exit 1; }
[[ -r $key ]] || { echo "sign.sh: cannot read key $key" >&2; exit 1; }
for f in "$@"; do
    osslsigncode sign -certs "$cert" -key "$key" -h sha256 \
        -n "empkp" -in "$f" -out "$f.signed" >"$f.sign.log" 2>&1 ||
        { cat "$f.sign.log" >&2; rm -f "$f.signed"; echo "sign.sh: signing $f failed" >&2; exit 1; }
    mv -f "$f.signed" "$f"
    rm -f "$f.sign.log"
done
