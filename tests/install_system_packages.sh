#!/bin/sh
# The system packages some tests use beyond Python, from Debian: each is checked, and the missing
# ones are installed in one apt-get when we are root with apt-get. Elsewhere the tests that need
# one are skipped, saying which package to install. make test runs this first.
set -e
missing=""
need() {  # need "PACKAGES" "CHECK": the packages, unless the shell check succeeds
    if ! sh -c "$2" >/dev/null 2>&1; then missing="$missing $1"; fi
}
# tests/labels: a real CUPS raw queue; lpr and lpstat are what the `zebra` package runs
need "cups cups-client cups-bsd" "command -v cupsd && command -v lpr && command -v lpstat"
# the handheld app drawn offscreen: Mesa's software OpenGL (llvmpipe) and EGL
need "libgl1-mesa-dri libgl1 libegl1" "dpkg -s libgl1-mesa-dri libgl1 libegl1"
# the manifest's PDF pages drawn by an independent renderer
need "poppler-utils" "command -v pdftoppm"
# the console's browser tests: Playwright drives Debian's chromium (browsers cannot be downloaded)
need "chromium" "command -v chromium"
# tests/deploy: a real PgBouncer in transaction pooling, and Caddy checking deploy's Caddyfile
need "pgbouncer caddy" "[ -x /usr/sbin/pgbouncer ] && command -v caddy"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "install_system_packages.sh: not root with apt-get; the tests needing$missing will be skipped" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086 # one word per package
apt-get install -y -qq --no-install-recommends $missing >/dev/null
