#!/usr/bin/env sh
# Installs Debian's chromium for the Versions dashboard browser test, if it is missing.
# Serialised on /tmp/apt.lock because several jobs may run apt on the same machine.
set -eu
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
flock /tmp/apt.lock sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium'
/usr/bin/chromium --version
