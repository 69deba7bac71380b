#!/bin/sh
# Install Debian's chromium for the console's browser tests (Playwright drives it through
# executable_path: browsers cannot be downloaded here). Does nothing when it is already there, or
# when we are not root with apt-get (the browser tests are then skipped, saying why).
set -e
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "install_chromium.sh: not root with apt-get; the console's browser tests will be skipped" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium >/dev/null
