#!/usr/bin/env bash
# Installs the Debian packages certdesk's tests drive for real, when they are missing:
# openssl (test CAs, `openssl req -verify`, `openssl verify` baselines); chromium (the agent app's
# sidebar and the dashboard rendered headless by playwright-core at /usr/bin/chromium); nginx (the
# nginx installer's tests start a real one on a loopback port; /usr/sbin/nginx, not always on PATH);
# pebble (Let's Encrypt's ACME test server and pebble-challtestsrv, for the ACME tests); postgresql
# (initdb/pg_ctl for the postgres test run's throwaway cluster, test/helpers/postgres-global-setup.ts:
# the package's own cluster is not wanted, so it is not created).
# Runs as root with apt-get (CI, this project's machines); otherwise prints the command to run.
set -euo pipefail

need=()
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/pebble ] && [ -x /usr/bin/pebble-challtestsrv ] || need+=(pebble)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1 || need+=(postgresql)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "certdesk tests need these Debian packages: ${need[*]}" >&2
  echo "install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "installing test prerequisites: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if [[ " ${need[*]} " == *" postgresql "* ]]; then
  # postgresql's postinst creates and starts a cluster (15/main on port 5432) unless told not to: the
  # tests start their own, so skip that one (time, memory, a port taken).
  apt-get install -y -qq --no-install-recommends postgresql-common >/dev/null
  sed -i 's/^#\?\s*create_main_cluster\s*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
fi
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
