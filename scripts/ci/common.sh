# Shared by the container checks (image-check.sh, systemd-check.sh): podman from Debian with the
# settings these machines need, the cache folder the machine keeps between CI runs, and timing.
# Source it; it expects to run as root on Debian 12.

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ci_cache="${AUTOMATED_FANFIC_CI_CACHE:-/var/cache/automated-fanfic-ci}"
mkdir -p "$ci_cache"

say() { printf '%s: %s\n' "${check_name:-ci}" "$*"; }
fail() { say "FAILED: $*"; exit 1; }
has() { command -v "$1" >/dev/null 2>&1; }

# Debian packages a check needs, installed once.
need_packages() {
  local missing=() entry
  for entry in "$@"; do has "${entry#*:}" || missing+=("${entry%%:*}"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || fail "needs root to install ${missing[*]}"
  say "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# runc, not crun (crun fails on setrlimit and hybrid cgroups here), and explicit ulimits (the
# sandbox drops CAP_SYS_RESOURCE, so the defaults cannot be raised). Our own file: the system's
# podman configuration stays as it is.
use_podman() {
  need_packages podman:podman runc:runc
  export CONTAINERS_CONF="$repo/scripts/ci/containers.conf"
}
# Without systemd on the host, podman cannot schedule the image's HEALTHCHECK and says so on
# every run, stop and rm; the checks run `health` themselves.
podman() { command podman "$@" 2> >(grep -v "unable to get systemd connection" >&2); }

# The CA bundle the environment trusts (these machines intercept TLS). Builds receive it as a
# build secret, which never becomes part of an image layer.
ca_bundle() {
  local candidate
  for candidate in "${SSL_CERT_FILE:-}" "${PIP_CERT:-}" "${NODE_EXTRA_CA_CERTS:-}" /etc/ssl/certs/ca-certificates.crt; do
    if [ -n "$candidate" ] && [ -s "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

started_at=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started_at )) s"; }
