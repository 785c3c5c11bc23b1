#!/usr/bin/env bash
# Makes sure the tests can start a throwaway redis-server: present already, or
# REDIS_URL points at one, or (as root with apt-get) install Debian's package.
set -euo pipefail
if [ -n "${REDIS_URL:-}" ]; then
  echo "ensure-redis: using REDIS_URL"
  exit 0
fi
if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-redis: installing redis-server (Debian package)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  command -v redis-server >/dev/null 2>&1 && exit 0
fi
cat >&2 <<'MSG'
ensure-redis: redis-server is not installed, and it cannot be installed from here.
Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`, macOS: `brew install redis`)
or set REDIS_URL to a Redis server the tests may write to, then run `npm test` again.
MSG
exit 1
