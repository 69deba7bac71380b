#!/bin/sh
# Install CUPS (cupsd, lpadmin) and its BSD commands (lpr, lpstat: used by the `zebra`
# package) so tests/labels/test_cups_transport.py runs against a real CUPS raw queue.
# Does nothing when they are already there, or when we are not root with apt-get.
set -e
if command -v cupsd >/dev/null 2>&1 && command -v lpr >/dev/null 2>&1 \
        && command -v lpstat >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "install_cups.sh: not root with apt-get; the CUPS test will be skipped" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends cups cups-client cups-bsd >/dev/null
