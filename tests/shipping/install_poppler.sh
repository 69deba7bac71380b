#!/bin/sh
# Install poppler's pdftoppm, which tests/shipping draws the manifest's PDF pages with (an
# independent renderer: a PDF it cannot draw is a PDF the driver's printer may not print either).
# Does nothing when it is already there, or when we are not root with apt-get.
set -e
if command -v pdftoppm >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "install_poppler.sh: not root with apt-get; the manifest page test will be skipped" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null
