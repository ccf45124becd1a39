#!/usr/bin/env bash
# Both systemd units, run by systemd 252 as pid 1 in a podman container (--systemd=always): the
# contrib unit (contrib/systemd/automated-fanfic.service, with the library drop-in its header
# describes) and the unit NixOS renders from nix/module.nix (scripts/ci/nix/nixos-eval.nix, with
# the package and tools at their Debian places). The container is the project's image (calibre,
# FanFicFare, the bundle in /app, linked as /opt/automated-fanfic) plus Debian's systemd.
# For each unit: `systemd-analyze verify`; a job queued by hand runs under the full hardening into a
# library the service shares with its owner through a group (books written group-writable); the
# service stops cleanly; a configuration error (exit 2) is not restarted.
set -euo pipefail
check_name=systemd-check
source "$(dirname "$0")/common.sh"
use_podman
need_packages nix-bin:nix-instantiate

ca="$(ca_bundle)" || fail "no CA bundle found (SSL_CERT_FILE)"
work=$(mktemp -d /var/tmp/automated-fanfic-systemd-check.XXXXXX)
container=automated-fanfic-systemd-check
cleanup() { podman rm -f -t 0 "$container" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

if ! podman image exists automated-fanfic; then
  bash "$repo/scripts/ci/base-image.sh" >/dev/null
  say "building the image (scripts/ci/image-check.sh usually has)"
  podman build --network host --format docker --secret "id=ca_bundle,src=$ca" -t automated-fanfic "$repo" >"$work/build.log" 2>&1 \
    || { tail -20 "$work/build.log"; fail "the image did not build"; }
fi

# The NixOS unit and the module's `automated-fanfic` command, rendered offline (see nix-check.sh).
nixos() {
  command nix --extra-experimental-features 'nix-command flakes' eval --impure --raw --expr "(import $repo/scripts/ci/nix/nixos-eval.nix {
    module = import $repo/nix/module.nix { packages.x86_64-linux.default = null; }; prefix = \"/opt/automated-fanfic\"; }).$1" \
    2> >(grep -v "group 'nixbld'" >&2)
}
mkdir -p "$work/context"
nixos unit >"$work/context/automated-fanfic-nixos.service"
nixos cli >"$work/context/automated-fanfic-nixos"
cp "$repo/contrib/systemd/automated-fanfic.service" "$work/context/"
cat >"$work/context/Containerfile" <<'EOF'
FROM automated-fanfic
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends systemd systemd-sysv >/dev/null \
    && rm -rf /var/lib/apt/lists/*
# What each deployment's instructions set up: the contrib unit's /opt/automated-fanfic and user
# fanfic (the image has it); the NixOS module's user and group (users.users, users.groups) and command.
RUN ln -s /app /opt/automated-fanfic \
    && usermod --home /var/lib/automated-fanfic fanfic \
    && useradd --system --user-group --home-dir /var/lib/automated-fanfic --shell /usr/sbin/nologin automated-fanfic \
    && mkdir -p /etc/automated-fanfic /etc/systemd/system/automated-fanfic.service.d /srv/calibre \
    && chown node:node /srv/calibre \
    && printf '[calibre]\npath = "/srv/calibre"\n' >/etc/automated-fanfic/config.toml \
    && printf '[Service]\nReadWritePaths=/srv/calibre\n' >/etc/systemd/system/automated-fanfic.service.d/library.conf
COPY automated-fanfic.service automated-fanfic-nixos.service /etc/systemd/system/
COPY automated-fanfic-nixos /usr/local/bin/automated-fanfic-nixos
RUN chmod 0755 /usr/local/bin/automated-fanfic-nixos
STOPSIGNAL SIGRTMIN+3
ENTRYPOINT []
CMD ["/sbin/init"]
EOF
podman build --network host --format docker -t automated-fanfic-systemd-check "$work/context" >"$work/systemd-build.log" 2>&1 \
  || { tail -20 "$work/systemd-build.log"; fail "the systemd image did not build"; }
say "image with systemd built ($(elapsed))"

podman rm -f -t 0 "$container" >/dev/null 2>&1 || true
podman run -d --name "$container" --privileged --systemd=always --network none automated-fanfic-systemd-check >/dev/null
in_container() { podman exec "$container" "$@"; }
for _ in $(seq 1 60); do
  state=$(in_container systemctl is-system-running 2>/dev/null || true)
  case "$state" in running|degraded) break ;; esac
  sleep 1
done
say "systemd $(in_container systemctl --version | head -1 | awk '{print $2}') is up: $state"

in_container systemd-analyze verify /etc/systemd/system/automated-fanfic.service /etc/systemd/system/automated-fanfic-nixos.service \
  >"$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "systemd-analyze verify"; }
grep -v -e '^$' "$work/verify.log" | grep -q . && { cat "$work/verify.log"; fail "systemd-analyze verify complains"; }
say "systemd-analyze verify: both units clean"

# The library belongs to its owner (uid 1000, `node` in the image) and is shared with the
# service's group, as the units' instructions say.
owner=(runuser -u node -- env HOME=/home/node FFDL_DATA__DIR=/home/node/automated-fanfic)
in_container "${owner[@]}" /app/bin/automated-fanfic --config /etc/automated-fanfic/config.toml once --url 'http://test1.com?sid=1' --library /srv/calibre --create-library >"$work/once.log" 2>&1 \
  || { cat "$work/once.log"; fail "the owner could not create the library"; }

run_unit() {
  local unit="$1" user="$2" add="$3" sid="$4"
  in_container sh -c "rm -rf /var/lib/automated-fanfic /var/lib/private/automated-fanfic; chgrp -R $user /srv/calibre /etc/automated-fanfic/config.toml && chmod -R g+rwX /srv/calibre && find /srv/calibre -type d -exec chmod g+s {} + && chmod 0640 /etc/automated-fanfic/config.toml"
  in_container systemctl start "$unit"
  sleep 2
  [ "$(in_container systemctl is-active "$unit")" = active ] || { in_container journalctl -u "$unit" --no-pager | tail -20; fail "$unit is not active"; }
  in_container sh -c "$add 'http://test1.com?sid=$sid'" >/dev/null || fail "$unit: adding a story failed"
  local finished=0
  for _ in $(seq 1 120); do
    if in_container sh -c "${add% add} status --json" 2>/dev/null | python3 -c '
import json, sys
jobs = json.load(sys.stdin)["jobs"]
sys.exit(0 if jobs and all(j["state"] == "done" for j in jobs) else 1)'; then finished=1; break; fi
    sleep 1
  done
  local journal
  journal=$(in_container journalctl -u "$unit" --no-pager)
  [ "$finished" = 1 ] || { tail -20 <<<"$journal"; in_container sh -c "${add% add} status"; fail "$unit: the job did not finish"; }
  grep -q -e "No write access" -e "Expected a valid JSON" <<<"$journal" && { tail -20 <<<"$journal"; fail "$unit: calibre could not write its configuration"; }
  # The new book: written by the service, group-writable (UMask 0002), and the owner's Calibre reads it.
  local book
  book=$(in_container sh -c "find /srv/calibre -name '*.epub' -user $user | head -1")
  [ -n "$book" ] || fail "$unit: no book written by $user"
  [ "$(in_container stat -c %A "$book" | cut -c6)" = w ] || fail "$unit: $book is not group-writable: $(in_container stat -c %A "$book")"
  in_container "${owner[@]}" calibredb list --with-library /srv/calibre --fields title -s "identifiers:\"=url:=http://test1.com?sid=$sid\"" --for-machine \
    | grep -q '"title"' || fail "$unit: the library's owner cannot read the new book with calibredb"
  in_container systemctl stop "$unit"
  [ "$(in_container systemctl show -p Result --value "$unit")" = success ] || fail "$unit: stopped with $(in_container systemctl show -p Result,ExecMainStatus "$unit")"
  say "$unit: a job ran under the full hardening as $user; the book is group-writable and the owner's calibredb reads it; stopped cleanly ($(elapsed))"

  # A configuration error: exit 2, and no restart 10 s later.
  in_container sh -c "cp /etc/automated-fanfic/config.toml /etc/automated-fanfic/good.toml && echo 'unknown_key = 1' >>/etc/automated-fanfic/config.toml"
  in_container systemctl start "$unit" || true
  sleep 12
  local restarts status
  restarts=$(in_container systemctl show -p NRestarts --value "$unit")
  status=$(in_container systemctl show -p ExecMainStatus --value "$unit")
  in_container sh -c "mv /etc/automated-fanfic/good.toml /etc/automated-fanfic/config.toml"
  in_container systemctl reset-failed "$unit" 2>/dev/null || true
  [ "$status" = 2 ] && [ "$restarts" = 0 ] || fail "$unit: a configuration error exited $status and restarted $restarts times"
  say "$unit: a configuration error exits 2 and is not restarted"
}

run_unit automated-fanfic.service fanfic \
  "runuser -u fanfic -- env AUTOMATED_FANFIC_CONFIG=/etc/automated-fanfic/config.toml FFDL_DATA__DIR=/var/lib/automated-fanfic /opt/automated-fanfic/bin/automated-fanfic add" 2
run_unit automated-fanfic-nixos.service automated-fanfic "automated-fanfic-nixos add" 3

say "passed ($(elapsed))"
