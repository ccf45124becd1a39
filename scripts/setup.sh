#!/usr/bin/env bash
# Installs what automated-fanfic needs and does not find: Debian's calibre and dovecot-imapd
# (as root), Python's venv, the npm dependencies (including Node 24 itself), and FanFicFare,
# pinned, into .venv/. Safe to run again: it only installs what is missing or out of date.
# Used by the README, .ci/run and the Dockerfile.
#   SETUP_SKIP_SYSTEM=1   do not touch Debian packages
#   SETUP_SKIP_DOVECOT=1  do not install dovecot (only the test suite needs it)
#   SETUP_SKIP_APPRISE=1  do not install apprise (needed only for notification schemes not sent natively)
#   SETUP_SKIP_BROWSER=1  do not install chromium (only the dashboard's browser test needs it)
#   SETUP_PRODUCTION=1    what the program needs to run, nothing for tests or building (the Docker
#                         image: no dovecot, no nix, no npm packages; it runs the prebuilt bundle)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

system_packages=()
if [ "${SETUP_SKIP_SYSTEM:-0}" != 1 ]; then
  command -v calibredb >/dev/null 2>&1 || system_packages+=(calibre)
  if [ "${SETUP_PRODUCTION:-0}" = 1 ]; then SETUP_SKIP_DOVECOT=1; SETUP_SKIP_NIX=1; SETUP_SKIP_BROWSER=1; fi
  if [ "${SETUP_SKIP_DOVECOT:-0}" != 1 ] && ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then
    system_packages+=(dovecot-imapd)
  fi
  # Notification schemes without a native sender go through Apprise's own program.
  [ "${SETUP_SKIP_APPRISE:-0}" = 1 ] || command -v apprise >/dev/null 2>&1 || system_packages+=(apprise)
  # The packaging test parses flake.nix with nix-instantiate.
  [ "${SETUP_SKIP_NIX:-0}" = 1 ] || command -v nix-instantiate >/dev/null 2>&1 || system_packages+=(nix-bin)
  # The dashboard test drives a headless browser.
  [ "${SETUP_SKIP_BROWSER:-0}" = 1 ] || command -v chromium >/dev/null 2>&1 || system_packages+=(chromium)
  # The mail tests give their Dovecot a self-signed certificate.
  [ "${SETUP_SKIP_DOVECOT:-0}" = 1 ] || command -v openssl >/dev/null 2>&1 || system_packages+=(openssl)
  command -v python3 >/dev/null 2>&1 || system_packages+=(python3)
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || system_packages+=(python3-venv)
  [ "${SETUP_PRODUCTION:-0}" = 1 ] || command -v npm >/dev/null 2>&1 || system_packages+=(npm)
fi

if [ ${#system_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    say "installing Debian packages: ${system_packages[*]} (calibre takes about a minute)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${system_packages[@]}" >/dev/null
    # Debian's package starts a system-wide dovecot; tests start their own private ones.
    if command -v systemctl >/dev/null 2>&1; then systemctl disable --now dovecot >/dev/null 2>&1 || true; fi
  else
    say "missing Debian packages: ${system_packages[*]}"
    say "install them with: sudo apt-get install --no-install-recommends ${system_packages[*]}"
    exit 1
  fi
fi

# npm dependencies, Node 24 among them (node_modules/.bin/node). Scripts are not needed:
# the Node binary and esbuild's binary come as plain packages.
if [ "${SETUP_PRODUCTION:-0}" = 1 ]; then
  : # the image runs dist/ on its own Node 24
elif [ ! -x node_modules/.bin/node ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error 2>&1 | grep -v 'Unknown user config' || true
fi
[ "${SETUP_PRODUCTION:-0}" = 1 ] || [ -x node_modules/.bin/node ] || { say "npm ci did not install Node 24 (node_modules/.bin/node)"; exit 1; }

# FanFicFare, pinned with all its dependencies.
requirements=scripts/fanficfare-requirements.txt
wanted=$(sed -n 's/^FanFicFare==//p' "$requirements")
if ! .venv/bin/fanficfare --version 2>/dev/null | grep -qx "Version: $wanted" || [ "$requirements" -nt .venv/pyvenv.cfg ]; then
  say "installing FanFicFare $wanted into .venv"
  rm -rf .venv
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check --no-deps -r "$requirements"
  touch .venv/pyvenv.cfg
fi

node_binary=node_modules/.bin/node
[ -x "$node_binary" ] || node_binary=node
say "ready: node $("$node_binary" --version), FanFicFare $(.venv/bin/fanficfare --version | sed 's/Version: //'), $(calibredb --version 2>/dev/null || echo 'calibredb missing')"
