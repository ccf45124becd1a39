#!/usr/bin/env bash
# The Docker image, built from the real Dockerfile and run the way README.md says, with podman
# (Debian's; no Docker daemon, no Docker Hub: the base comes from scripts/ci/base-image.sh).
#
# It runs README.md's `docker build` and `docker run` blocks as they are, through a `docker`
# function that calls podman and adds only what this machine needs: for the build, host networking
# (apt, pip and npm reach their registries), the docker format (for HEALTHCHECK) and the CA bundle as
# a build secret; for `run`, --network none. The user at the shell is an ordinary one (uid 1000):
# `id` answers as that user, and the folders the README mounts belong to them. Then it checks:
# - the CA bundle of the build is nowhere in the image;
# - `once --url … --library /library --create-library` into an empty folder of that user, started
#   as root, writes a library that stays theirs, seeds an empty /config, and gives /config and
#   /data to PUID:PGID;
# - the daemon of the README's `docker run` runs as that user, answers `health`, runs jobs queued
#   with `docker exec … automated-fanfic add`, leaves no zombie, and stops on SIGTERM with exit 0;
# - `--user` works on folders that user owns;
# - compose.yaml (which README.md quotes) with podman-compose: refuses to start without WEB_TOKEN,
#   naming it; with one, the dashboard answers on the published port, takes a story with the
#   token only, and the job runs.
set -euo pipefail
check_name=image-check
source "$(dirname "$0")/common.sh"
use_podman
need_packages podman-compose:podman-compose curl:curl

user_uid=1000
user_gid=1000
image=automated-fanfic
ca="$(ca_bundle)" || fail "no CA bundle found (SSL_CERT_FILE)"
work=$(mktemp -d /var/tmp/automated-fanfic-image-check.XXXXXX)
cleanup() {
  podman rm -f -t 0 automated-fanfic >/dev/null 2>&1 || true
  (cd "$work/compose" 2>/dev/null && podman-compose -p afci down -t 0 >/dev/null 2>&1) || true
  rm -rf "$work"
}
trap cleanup EXIT

# The fenced block after the <!-- NAME --> marker line of README.md.
readme_block() {
  awk -v marker="<!-- $1" 'index($0, marker) == 1 { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$repo/README.md"
}

docker() {
  local command="$1"; shift
  case "$command" in
    build) podman build --network host --format docker --secret "id=ca_bundle,src=$ca" "$@" ;;
    run) podman run --network none "$@" ;;
    *) podman "$command" "$@" ;;
  esac
}
id() { setpriv --reuid="$user_uid" --regid="$user_gid" --clear-groups id "$@"; }
as_user() { setpriv --reuid="$user_uid" --regid="$user_gid" --clear-groups "$@"; }
owned_by_user() { [ -z "$(find "$@" \( ! -user "$user_uid" -o ! -group "$user_gid" \) -print -quit)" ]; }

say "base image: $(bash "$repo/scripts/ci/base-image.sh") ($(elapsed))"

build_block=$(readme_block docker-build)
run_block=$(readme_block docker-run)
[ -n "$build_block" ] && [ -n "$run_block" ] || fail "README.md has no docker-build or docker-run block"
podman rm -f -t 0 automated-fanfic >/dev/null 2>&1 || true

build_started=$(date +%s)
(cd "$repo" && eval "$build_block") >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; fail "the README's docker build failed"; }
build_seconds=$(( $(date +%s) - build_started ))
size=$(podman image inspect --format '{{.Size}}' "$image")
say "built $image in ${build_seconds} s: $(( size / 1000000 )) MB"

# The build's CA bundle must not be in any layer: the certificates it has beyond the public ones
# the image ships (Debian's bundle, certifi's) -- the machine's TLS-intercepting CA -- are looked
# for in the whole file system.
mount=$(podman image mount "$image")
needles=$(python3 - "$ca" "$mount/etc/ssl/certs/ca-certificates.crt" $(find "$mount" -xdev -name cacert.pem) <<'EOF'
import sys
def certs(path):
    try: text = open(path).read()
    except OSError: return set()
    return {block.split("-----END")[0].strip() for block in text.split("-----BEGIN CERTIFICATE-----")[1:]}
public = set().union(*(certs(path) for path in sys.argv[2:]))
for cert in certs(sys.argv[1]) - public:
    lines = cert.splitlines()
    print(lines[len(lines) // 2])
EOF
)
leaked=""
while IFS= read -r needle; do
  [ -z "$needle" ] && continue
  leaked+=$(grep -rlF -- "$needle" "$mount" 2>/dev/null | head -3 | tr '\n' ' ' || true)
done <<<"$needles"
podman image unmount "$image" >/dev/null
[ -z "$leaked" ] || fail "the build's CA bundle is in the image: $leaked"
say "the build's CA is not in the image ($(grep -c . <<<"$needles" || true) certificate(s) beyond the public ones looked for)"

# The user's folders: their Calibre library folder (empty), and the deployment folder where
# config/ and data/ are made by root, as Docker makes a missing bind-mount source.
export HOME="$work/home"
mkdir -p "$HOME/Calibre Library" "$work/deploy/config" "$work/deploy/data"
chown -R "$user_uid:$user_gid" "$HOME"
chmod 0755 "$work" "$work/deploy"
cd "$work/deploy"

once_status=0
podman run --rm --network none -e PUID="$user_uid" -e PGID="$user_gid" \
  -v "$PWD/config:/config" -v "$PWD/data:/data" -v "$HOME/Calibre Library:/library" "$image" \
  once --url 'http://test1.com?sid=1' --library /library --create-library >"$work/once.log" 2>&1 || once_status=$?
[ "$once_status" = 0 ] || { cat "$work/once.log"; fail "once exited $once_status"; }
[ -f "$HOME/Calibre Library/metadata.db" ] || fail "once made no library"
[ -n "$(find "$HOME/Calibre Library" -name '*.epub' -print -quit)" ] || fail "once added no EPUB"
owned_by_user "$HOME/Calibre Library" config data || fail "files not owned by $user_uid:$user_gid: $(find "$HOME/Calibre Library" config data ! -user "$user_uid" | head -5)"
cmp -s config/config.toml "$repo/config.example.toml" || fail "the empty /config was not seeded with config.example.toml"
as_user test -w config/config.toml || fail "the user cannot edit config/config.toml"
say "once into the user's empty library folder: exit 0, library and /config, /data owned by $user_uid:$user_gid ($(elapsed))"

eval "$run_block" >"$work/run.log" 2>&1 || { cat "$work/run.log"; fail "the README's docker run failed"; }
healthy=0
for _ in $(seq 1 60); do
  if podman exec automated-fanfic automated-fanfic health >/dev/null 2>&1; then healthy=1; break; fi
  [ "$(podman inspect --format '{{.State.Running}}' automated-fanfic)" = true ] || break
  sleep 1
done
[ "$healthy" = 1 ] || { podman logs automated-fanfic | tail -20; fail "the daemon did not become healthy"; }
users=$(podman top automated-fanfic hpid,comm | awk 'NR > 1 && $2 != "tini" { print $1 }' \
  | while read -r pid; do awk '/^Uid:/ { print $2 }' "/proc/$pid/status"; done | sort -u | tr '\n' ' ')
[ "$users" = "$user_uid " ] || { podman top automated-fanfic hpid,user,comm; fail "processes of the daemon run as uids: $users"; }
[ "$(podman top automated-fanfic pid,comm | awk '$1 == 1 { print $2 }')" = tini ] || fail "pid 1 is not tini"
say "README's docker run: healthy, pid 1 tini, the daemon runs as $user_uid ($(elapsed))"

jobs_done() {
  podman exec "${2:-automated-fanfic}" automated-fanfic status --json 2>/dev/null | python3 -c '
import json, sys
jobs = json.load(sys.stdin)["jobs"]
sys.exit(0 if len(jobs) >= int(sys.argv[1]) and all(j["state"] == "done" for j in jobs) else 1)' "$1"
}
podman exec automated-fanfic automated-fanfic add 'http://test1.com?sid=2' 'http://test1.com?sid=3' >/dev/null
done_jobs=0
for _ in $(seq 1 180); do
  if jobs_done 2; then done_jobs=1; break; fi
  sleep 1
done
[ "$done_jobs" = 1 ] || { podman exec automated-fanfic automated-fanfic status; podman logs automated-fanfic | tail -20; fail "the queued jobs did not finish"; }
sleep 2
zombies=$(podman exec automated-fanfic sh -c 'grep -l "^State:[[:space:]]*Z" /proc/[0-9]*/status 2>/dev/null | wc -l')
[ "$zombies" = 0 ] || fail "$zombies zombie process(es) after the jobs"
owned_by_user "$HOME/Calibre Library" config data || fail "files not owned by $user_uid:$user_gid after the jobs: $(find "$HOME/Calibre Library" config data ! -user "$user_uid" | head -5)"
say "two jobs added with docker exec ran; no zombie; every file still the user's ($(elapsed))"

podman exec automated-fanfic automated-fanfic add 'http://test1.com?sid=4' >/dev/null
# Stop while the job runs, when we catch it running (a test1.com job takes a few seconds).
during="before its job started"
for _ in $(seq 1 100); do
  if podman exec automated-fanfic automated-fanfic status --json 2>/dev/null | grep -q '"state": "running"'; then during="during a job"; break; fi
  sleep 0.2
done
stop_started=$(date +%s)
podman stop automated-fanfic >/dev/null
stop_seconds=$(( $(date +%s) - stop_started ))
exit_code=$(podman inspect --format '{{.State.ExitCode}}' automated-fanfic)
[ "$exit_code" = 0 ] || { podman logs automated-fanfic | tail -20; fail "stopped with exit $exit_code"; }
[ "$(podman inspect --format '{{.Config.StopTimeout}}' automated-fanfic)" = 45 ] || fail "the stop timeout is not 45 s"
podman rm automated-fanfic >/dev/null
say "SIGTERM $during: exit 0 after ${stop_seconds} s (stop timeout 45 s)"

podman run --rm --network none --user "$user_uid:$user_gid" -v "$PWD/config:/config" -v "$PWD/data:/data" \
  -v "$HOME/Calibre Library:/library" -e FFDL_CALIBRE__PATH=/library "$image" check-config >"$work/user.log" 2>&1 \
  || { cat "$work/user.log"; fail "--user $user_uid:$user_gid: check-config failed"; }
say "--user $user_uid:$user_gid on the user's folders: check-config passes"

# compose.yaml, as README.md quotes it, with podman-compose from Debian.
[ "$(readme_block compose.yaml)" = "$(cat "$repo/compose.yaml")" ] || fail "README.md does not quote compose.yaml as it is"
mkdir -p "$work/compose"
cp "$repo/compose.yaml" "$work/compose/"
cd "$work/compose"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
printf 'MAIL_PASSWORD=unused\nCALIBRE_LIBRARY=%s\nPUID=%s\nPGID=%s\nWEB_PORT=%s\n' "$HOME/Calibre Library" "$user_uid" "$user_gid" "$port" >.env
if podman-compose -p afci up -d >"$work/compose-unset.log" 2>&1; then fail "compose started without WEB_TOKEN"; fi
grep -q "set WEB_TOKEN in .env" "$work/compose-unset.log" || { tail -5 "$work/compose-unset.log"; fail "compose without WEB_TOKEN did not say so"; }
[ -z "$(podman ps -a --filter name=afci --format '{{.Names}}')" ] || fail "compose without WEB_TOKEN left a container"
echo "WEB_TOKEN=$token" >>.env
podman-compose -p afci up -d >"$work/compose.log" 2>&1 || { tail -20 "$work/compose.log"; fail "podman-compose up failed"; }
container=$(podman ps --filter name=afci --format '{{.Names}}' | head -1)
[ -n "$container" ] || fail "compose started no container"
answered=0
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1; then answered=1; break; fi
  sleep 1
done
[ "$answered" = 1 ] || { podman logs "$container" | tail -20; fail "the dashboard did not answer on 127.0.0.1:$port"; }
add_story() { curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' "$@" \
  --data '{"urls":["http://test1.com?sid=5"]}' "http://127.0.0.1:$port/api/stories"; }
[ "$(add_story)" = 401 ] || fail "the dashboard took a story without the token"
[ "$(add_story -H "Authorization: Bearer $token")" = 200 ] || fail "the dashboard refused a story with the token"
done_compose=0
for _ in $(seq 1 120); do
  if jobs_done 1 "$container"; then done_compose=1; break; fi
  sleep 1
done
[ "$done_compose" = 1 ] || { podman logs "$container" | tail -20; fail "the story added through the dashboard did not reach the library"; }
[ "$(find "$HOME/Calibre Library" -name '*.epub' | wc -l)" -ge 4 ] || fail "the library has fewer books than the jobs made"
grace=$(sed -n 's/^ *stop_grace_period: *\([0-9]*\)s$/\1/p' compose.yaml)
[ "${grace:-0}" -ge 40 ] || fail "compose.yaml's stop_grace_period is under 40 s"
# podman-compose 1.0.3 does not pass stop_grace_period on; docker compose does. Stop with its value.
podman stop -t "$grace" "$container" >/dev/null
[ "$(podman inspect --format '{{.State.ExitCode}}' "$container")" = 0 ] || fail "the compose container stopped with exit $(podman inspect --format '{{.State.ExitCode}}' "$container")"
podman-compose -p afci down -t 0 >/dev/null 2>&1
owned_by_user "$HOME/Calibre Library" config data || fail "compose left files not owned by $user_uid:$user_gid"
say "compose.yaml: refuses to start without WEB_TOKEN; dashboard on 127.0.0.1 with the token; a story reached the library; exit 0 on stop ($(elapsed))"

say "passed: build ${build_seconds} s, image $(( size / 1000000 )) MB, whole check $(elapsed)"
