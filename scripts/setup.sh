#!/usr/bin/env bash
# Installs what automated-fanfic needs and does not find. Safe to run again: it only installs
# what is missing or out of date. Used by the README, .ci/run and the Dockerfile.
#
#   bash scripts/setup.sh               to run the program: Debian's calibre and apprise (as root),
#                                       Node 24 and the npm packages into node_modules/, FanFicFare
#                                       (pinned) into .venv/ from the distribution's Python, and the
#                                       production bundle in dist/
#   bash scripts/setup.sh --tests       also what only the test suite needs: dovecot-imapd and
#                                       openssl (the mail tests), chromium (the dashboard test),
#                                       nix-bin (the flake check)
#   bash scripts/setup.sh --production  the Docker image: Debian packages (with tini and
#                                       ca-certificates) and FanFicFare only (the image runs a
#                                       bundle built elsewhere on its own Node 24)
#   --print-packages                    print the Debian packages the chosen mode needs (installed
#                                       or not), one a line, and exit
#
#   SETUP_SKIP_SYSTEM=1   do not touch Debian packages
#   SETUP_SKIP_APPRISE=1  no apprise (only notification schemes not sent natively need it)
#   SETUP_PYTHON=PATH     the Python that builds .venv (default: /usr/bin/python3 where it exists,
#                         so a Debian machine runs what Debian users run, whatever python3 is on PATH)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=run
print_packages=0
for argument in "$@"; do
  case "$argument" in
    --tests) mode=tests ;;
    --production) mode=production ;;
    --print-packages) print_packages=1 ;;
    *) echo "setup: unknown option $argument (use --tests, --production or --print-packages)" >&2; exit 2 ;;
  esac
done
[ "${SETUP_PRODUCTION:-0}" = 1 ] && mode=production

say() { printf 'setup: %s\n' "$*"; }
has() { command -v "$1" >/dev/null 2>&1; }

python="${SETUP_PYTHON:-}"
if [ -z "$python" ]; then
  if [ -x /usr/bin/python3 ] || has apt-get; then python=/usr/bin/python3; else python="$(command -v python3 || echo python3)"; fi
fi

# Each entry: a Debian package and the command that shows it is there.
needed=("calibre calibredb" "python3 $python" "python3-venv venv")
[ "${SETUP_SKIP_APPRISE:-0}" = 1 ] || needed+=("apprise apprise")
[ "$mode" = production ] || needed+=("npm npm")
# The image: tini as pid 1 (it reaps what calibre leaves behind); CA certificates for FanFicFare.
[ "$mode" = production ] && needed+=("tini /usr/bin/tini" "ca-certificates /etc/ssl/certs/ca-certificates.crt")
if [ "$mode" = tests ]; then
  needed+=("dovecot-imapd /usr/sbin/dovecot" "openssl openssl" "chromium chromium" "nix-bin nix-instantiate")
fi

if [ "$print_packages" = 1 ]; then
  for entry in "${needed[@]}"; do echo "${entry%% *}"; done
  exit 0
fi


present() {
  case "$1" in
    venv) [ -x "$python" ] && "$python" -c 'import venv, ensurepip' >/dev/null 2>&1 ;;
    /*) [ -x "$1" ] ;;
    *) has "$1" ;;
  esac
}

missing=()
if [ "${SETUP_SKIP_SYSTEM:-0}" != 1 ]; then
  for entry in "${needed[@]}"; do present "${entry#* }" || missing+=("${entry%% *}"); done
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && has apt-get; then
    say "installing Debian packages: ${missing[*]} (calibre takes about a minute)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # Debian's package starts a system-wide dovecot; tests start their own private ones.
    if has systemctl; then systemctl disable --now dovecot >/dev/null 2>&1 || true; fi
  else
    say "missing Debian packages: ${missing[*]}"
    say "install them with: sudo apt-get install --no-install-recommends ${missing[*]}"
    exit 1
  fi
fi

# npm dependencies, Node 24 among them (node_modules/.bin/node). Scripts are not needed:
# the Node binary and esbuild's binary come as plain packages.
if [ "$mode" != production ]; then
  if [ ! -x node_modules/.bin/node ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm dependencies"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error 2>&1 | grep -v 'Unknown user config' || true
  fi
  [ -x node_modules/.bin/node ] || { say "npm ci did not install Node 24 (node_modules/.bin/node)"; exit 1; }
fi

# FanFicFare, pinned with all its dependencies, in a virtualenv of the chosen Python. A .venv
# made by another interpreter (a pyenv build first on PATH, say) is made again.
requirements=scripts/fanficfare-requirements.txt
wanted=$(sed -n 's/^FanFicFare==//p' "$requirements")
python_real="$(readlink -f "$(command -v "$python")")"
if ! .venv/bin/fanficfare --version 2>/dev/null | grep -qx "Version: $wanted" \
  || [ "$requirements" -nt .venv/pyvenv.cfg ] \
  || [ "$(cat .venv/.setup-python 2>/dev/null)" != "$python_real" ]; then
  say "installing FanFicFare $wanted into .venv with $python ($("$python" --version 2>&1))"
  rm -rf .venv
  "$python" -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check --no-deps -r "$requirements"
  echo "$python_real" > .venv/.setup-python
  touch .venv/pyvenv.cfg
fi

# The production bundle: every CLI call then starts from dist/ (bin/automated-fanfic picks it
# while it is newer than src/), which is about three times faster than from src/.
if [ "$mode" != production ]; then
  bundle=dist/automated-fanfic.mjs
  if [ ! -f "$bundle" ] || [ -n "$(find src -newer "$bundle" -name '*.ts' -print -quit)" ] || [ package-lock.json -nt "$bundle" ]; then
    say "building the bundle (dist/)"
    npm run --silent bundle >/dev/null 2>.setup-bundle.log || { cat .setup-bundle.log >&2; rm -f .setup-bundle.log; say "the bundle did not build"; exit 1; }
    rm -f .setup-bundle.log
  fi
fi

node_binary=node_modules/.bin/node
[ -x "$node_binary" ] || node_binary=node
say "ready: node $("$node_binary" --version), FanFicFare $(.venv/bin/fanficfare --version | sed 's/Version: //') on $(.venv/bin/python --version), $(calibredb --version 2>/dev/null || echo 'calibredb missing')"
