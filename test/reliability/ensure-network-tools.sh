#!/bin/sh
# The several-hosts test builds network namespaces and veth pairs with `ip` (iproute2). Installs it
# from Debian's packages when missing (CI runs as root on Debian); a no-op where it is present.
set -eu
command -v ip >/dev/null 2>&1 && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ip (iproute2) is missing: install iproute2 as root" >&2
  exit 1
fi
flock /tmp/apt.lock sh -c 'apt-get update -qq && apt-get install -y -qq iproute2'
