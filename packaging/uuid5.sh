#!/usr/bin/env bash
# packaging/uuid5.sh NAMESPACE NAME: the name-based (SHA-1, version 5) UUID
# of NAME in NAMESPACE (RFC 9562, section 5.5), upper case, in braces, the
# way Windows Installer writes a GUID.  The MSI's product and package codes
# come from it (see the Makefile's arch-dist), so anyone can recompute them
# from the version, the arch and the files.
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 NAMESPACE NAME" >&2; exit 2; }
ns=${1#\{}; ns=${ns%\}}; ns=${ns//-/}
[[ $ns =~ ^[0-9A-Fa-f]{32}$ ]] || { echo "uuid5.sh: namespace $1 is not a UUID" >&2; exit 2; }
# SHA-1 of the namespace's 16 bytes followed by the name's bytes.
esc=''
for ((i = 0; i < 32; i += 2)); do esc+="\\x${ns:i:2}"; done
h=$({ printf '%b' "$esc"; printf '%s' "$2"; } | sha1sum | cut -c1-32)
# Version 5 in the high nibble of byte 6; variant 10x in the top bits of byte 8.
h=${h:0:12}5${h:13:3}$(printf '%x' $(((16#${h:16:1} & 3) | 8)))${h:17}
h=${h^^}
echo "{${h:0:8}-${h:8:4}-${h:12:4}-${h:16:4}-${h:20:12}}"
