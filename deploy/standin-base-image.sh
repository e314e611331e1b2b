#!/usr/bin/env bash
# Builds a stand-in for docker.io/library/node:20-bookworm-slim on a machine that can reach Debian's
# mirror but no container registry (the development machine): Debian bookworm from debootstrap, this
# machine's Node 20 and npm (with its npmrc's CA file, for a TLS-intercepting proxy), a `node` user
# (uid 1000, as in the official image), and python3/make/g++ so better-sqlite3 can compile without
# downloading a prebuilt binary. Then: podman build --format docker --build-arg NODE_IMAGE=<this tag> .
# Needs root, debootstrap and podman. Usage: deploy/standin-base-image.sh [tag]
set -euo pipefail
tag=${1:-localhost/node:20-bookworm-slim-standin}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian
cp /usr/bin/node "$root/usr/bin/node"
mkdir -p "$root/usr/lib/node_modules" "$root/usr/include" "$root/usr/etc"
cp -a /usr/lib/node_modules/npm "$root/usr/lib/node_modules/"
cp -a /usr/include/node "$root/usr/include/"   # headers for node-gyp (nodedir below), no download
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/bin/npx"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
printf 'nodedir=/usr\ncafile=/etc/ssl/certs/ca-certificates.crt\nfund=false\naudit=false\nupdate-notifier=false\n' > "$root/usr/etc/npmrc"
chroot "$root" sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
cp /etc/resolv.conf "$root/etc/resolv.conf"
chroot "$root" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 make g++ ca-certificates && rm -rf /var/lib/apt/lists/*'
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"   # update-ca-certificates rewrote it
rm -f "$root/etc/resolv.conf"
tar -C "$root" -c . | podman import --change 'CMD ["node"]' - "$tag"
