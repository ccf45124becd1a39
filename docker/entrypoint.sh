#!/usr/bin/env bash
# First start with an empty /config: put the documented example there and say what to edit.
set -euo pipefail
app="${APP_DIR:-/app}"
config="${AUTOMATED_FANFIC_CONFIG:-/config/config.toml}"
if [ ! -e "$config" ]; then
  cp "$app/config.example.toml" "$config"
  echo "automated-fanfic: wrote an example configuration to $config; edit [email] and [calibre] path, then restart" >&2
fi
exec "$app/bin/automated-fanfic" "$@"
