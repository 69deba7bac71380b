#!/bin/sh
# Install Debian's PgBouncer and Caddy: tests/deploy/ runs the server through a real PgBouncer in
# transaction pooling, and has Caddy check the reverse proxy's configuration in deploy/. Does
# nothing when they are there, or when we are not root with apt-get (those tests are then
# skipped, saying so). The packages' services are not wanted: the tests start their own.
set -e
if [ -x /usr/sbin/pgbouncer ] && command -v caddy >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "install_pgbouncer_and_caddy.sh: not root with apt-get; the PgBouncer and Caddy tests will be skipped" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends pgbouncer caddy >/dev/null
