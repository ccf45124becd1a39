#!/usr/bin/env bash
# The image's `automated-fanfic` (entry point, health check, and `docker exec … automated-fanfic
# add URL`). Started as root, it gives /config and /data to PUID:PGID (default 10001, the image's
# fanfic user) and runs the program as that user, so bind-mounted folders of your own work with
# PUID/PGID set to your ids. Started as another user (`docker run --user`), it changes nothing and
# runs as that user. On the first start with an empty /config it writes the documented example.
set -euo pipefail
app="${APP_DIR:-/app}"
config="${AUTOMATED_FANFIC_CONFIG:-/config/config.toml}"

if [ "$(id -u)" = 0 ]; then
  uid="${PUID:-10001}"
  gid="${PGID:-10001}"
  case "$uid$gid" in *[!0-9]*) echo "automated-fanfic: PUID and PGID must be numbers" >&2; exit 2 ;; esac
  if [ "$uid" != 0 ]; then
    # Only /config and /data, and only what is not theirs yet; never the Calibre library.
    for folder in "$(dirname "$config")" "${FFDL_DATA__DIR:-/data}"; do
      mkdir -p "$folder"
      find "$folder" -xdev \( ! -user "$uid" -o ! -group "$gid" \) -exec chown -h "$uid:$gid" {} +
    done
    exec setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$0" "$@"
  fi
fi

if [ ! -e "$config" ]; then
  cp "$app/config.example.toml" "$config"
  echo "automated-fanfic: wrote an example configuration to $config; edit [email] and [calibre] path, then restart" >&2
fi
exec "$app/bin/automated-fanfic" "$@"
