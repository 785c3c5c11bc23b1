#!/usr/bin/env bash
# Makes sure the tests can start a throwaway redis-server and Redis Cluster
# (redis-server and redis-cli, which joins the cluster): present already, or
# REDIS_URL and REDIS_CLUSTER_URLS point at them, or (as root with apt-get)
# install Debian's packages.
set -euo pipefail
if [ -n "${REDIS_URL:-}" ] && [ -n "${REDIS_CLUSTER_URLS:-}" ]; then
  echo "ensure-redis: using REDIS_URL and REDIS_CLUSTER_URLS"
  exit 0
fi
if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-redis: installing redis-server and redis-tools (Debian packages)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools >/dev/null
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 && exit 0
fi
cat >&2 <<'MSG'
ensure-redis: redis-server or redis-cli is not installed, and they cannot be installed from here.
Install them (Debian/Ubuntu: `sudo apt-get install -y redis-server redis-tools`, macOS: `brew install redis`)
or set REDIS_URL and REDIS_CLUSTER_URLS (a cluster's seed nodes, comma-separated) to servers the tests may
write to, then run `npm test` again.
MSG
exit 1
