#!/usr/bin/env bash
# Checks that every pin in scripts/fanficfare-requirements.txt resolves for the oldest Python we
# support (its "# oldest-python:" line), whatever Python this machine has: pip picks packages
# as that interpreter would, from PyPI, without installing anything.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=scripts/fanficfare-requirements.txt
oldest=$(sed -n 's/^# oldest-python: *//p' "$requirements")
[ -n "$oldest" ] || { echo "check-pins: $requirements has no '# oldest-python:' line" >&2; exit 2; }
pip=.venv/bin/pip
[ -x "$pip" ] || pip="$(command -v pip3 || command -v pip)"
target=$(mktemp -d)
trap 'rm -rf "$target"' EXIT
if "$pip" install --disable-pip-version-check --quiet --dry-run --ignore-installed --target "$target" \
    --python-version "$oldest" --only-binary=:all: -r "$requirements"; then
  echo "check-pins: every pin installs on Python $oldest"
else
  echo "check-pins: some pin in $requirements does not install on Python $oldest (see above)" >&2
  exit 1
fi
