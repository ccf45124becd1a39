#!/usr/bin/env bash
# The Nix files, checked without network (nixpkgs cannot be fetched here): every file parses; the
# flake, with nixpkgs replaced by scripts/ci/nix/stub-nixpkgs (a small lib of our own with only the
# functions our Nix files call, and stub packages), passes `nix flake check` and its packages, apps
# and dev shell evaluate to derivations -- the stub importNpmLock needs `resolved` and `integrity`
# on every package-lock.json entry, as the real one does; the FanFicFare override is the version
# scripts/fanficfare-requirements.txt pins, with the sha256 of that version's sdist on PyPI; the
# NixOS module, called by scripts/ci/nix/nixos-eval.nix with its options' defaults and test
# settings (each checked against its option's type) and its mkIf wrappers resolved, renders a unit,
# users and a command with what the README promises; and README.md's NixOS example is a flake that
# parses.
# What it cannot check: nothing is built (the stub packages' builders fail), and there is no NixOS
# module system -- no merging with other modules' definitions or priorities (mkDefault, mkForce,
# mkMerge), the NixOS options the module sets (systemd.services, users, environment) are checked
# by name only, not by type, no assertions or warnings run, and the unit is rendered the way
# systemd-lib.nix writes units, not by it. nixpkgs' packages and builders (buildNpmPackage,
# importNpmLock, makeWrapper) are only stubs with their calling conventions.
set -euo pipefail
check_name=nix-check
source "$(dirname "$0")/common.sh"
need_packages nix-bin:nix-instantiate curl:curl

# Quiet about what is expected here: no nixbld group (nothing is built), and a lock file that
# --no-write-lock-file does not write.
nix() {
  command nix --extra-experimental-features 'nix-command flakes' "$@" \
    2> >(grep -v -e "group 'nixbld'" -e "not writing modified lock file" -e "Added input 'nixpkgs'" -e "stub-nixpkgs?lastModified" >&2)
}
work=$(mktemp -d /var/tmp/automated-fanfic-nix-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
system=x86_64-linux

# A fresh clone's files (tracked and new, not ignored), so node_modules and .venv stay out.
src="$work/src"
mkdir -p "$src"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} sh -c '[ -e "{}" ] && printf "%s\0" "{}"' | tar --null -T - -cf -) | tar -xf - -C "$src"

for file in $(cd "$src" && git -C "$repo" ls-files --cached --others --exclude-standard '*.nix'); do
  nix-instantiate --parse "$src/$file" >/dev/null 2> >(grep -v "group 'nixbld'" >&2) || fail "$file does not parse"
done
say "every .nix file parses"

stub="$work/stub-nixpkgs"
cp -r "$repo/scripts/ci/nix/stub-nixpkgs" "$stub"
flake=(--override-input nixpkgs "path:$stub" --no-write-lock-file)

nix flake check "${flake[@]}" "path:$src" || fail "nix flake check"
say "nix flake check passes (against the stub nixpkgs)"

for attribute in packages.$system.default packages.aarch64-linux.default devShells.$system.default; do
  nix eval --raw "${flake[@]}" "path:$src#$attribute.drvPath" >/dev/null || fail "$attribute does not evaluate"
done
for app in default automated-fanfic; do
  program=$(nix eval --raw "${flake[@]}" "path:$src#apps.$system.$app.program")
  [[ "$program" == /nix/store/* ]] || fail "apps.$system.$app.program is $program"
done
say "packages, apps and the dev shell evaluate; importNpmLock found resolved and integrity on every package-lock.json entry"

# The FanFicFare Nix users get is the one CI tests, from PyPI's sdist of that version.
pinned=$(sed -n 's/^FanFicFare==//p' "$repo/scripts/fanficfare-requirements.txt")
version=$(nix eval --raw "${flake[@]}" "path:$src#packages.$system.default.fanficfare.version")
[ "$version" = "$pinned" ] || fail "the Nix package's FanFicFare is $version, CI tests $pinned"
hash=$(nix eval --raw "${flake[@]}" "path:$src#packages.$system.default.fanficfare.src.outputHash")
pypi=$(curl -fsS https://pypi.org/simple/fanficfare/ | grep -o "fanficfare-$pinned\.tar\.gz#sha256=[0-9a-f]*" | head -1 | sed 's/.*sha256=//') \
  || fail "cannot read PyPI's index of fanficfare"
[ -n "$pypi" ] || fail "PyPI has no sdist fanficfare-$pinned.tar.gz"
expected="sha256-$(printf '%s' "$pypi" | xxd -r -p | base64)"
[ "$hash" = "$expected" ] || fail "the FanFicFare source hash is $hash; PyPI's sdist of $pinned is $expected"
nix eval --raw "${flake[@]}" "path:$src#packages.$system.default.drvPath" >/dev/null
installed=$(nix eval --raw "${flake[@]}" "path:$src#packages.$system.default.installPhase")
grep -q -- "--set-default FFDL_" <<<"$installed" && fail "the wrapper sets FFDL_ variables, which would override config.toml"
grep -q "fanficfare-$pinned/bin" <<<"$installed" || fail "the wrapper does not put FanFicFare $pinned on PATH"
say "FanFicFare $pinned (sha256 of PyPI's sdist) on the wrapper's PATH; no FFDL_ default overrides config.toml"

# The NixOS module, called with its options' defaults and mkIf resolved (nixos-eval.nix); what the
# README promises of it.
unit=$(nix eval --impure --raw --expr "(import $repo/scripts/ci/nix/nixos-eval.nix {
  module = import $src/nix/module.nix { packages.$system.default = null; }; stub = $stub; prefix = \"/opt/automated-fanfic\"; }).unit") \
  || fail "the NixOS module does not evaluate"
for line in "User=automated-fanfic" "Group=automated-fanfic" "UMask=0002" "RestartPreventExitStatus=2" \
  'Environment="HOME=/var/lib/automated-fanfic"' "ReadWritePaths=/srv/calibre" "ProtectHome=true" "ProtectSystem=strict"; do
  grep -qxF "$line" <<<"$unit" || fail "the rendered unit lacks $line"
done
grep -q "^DynamicUser" <<<"$unit" && fail "the unit still uses DynamicUser (the library folder needs a static group)"
users=$(nix eval --impure --json --expr "(import $repo/scripts/ci/nix/nixos-eval.nix {
  module = import $src/nix/module.nix { packages.$system.default = null; }; stub = $stub; prefix = \"/opt/automated-fanfic\"; }).users")
grep -q '"automated-fanfic":{"group":"automated-fanfic","home":"/var/lib/automated-fanfic","isSystemUser":true}' <<<"$users" \
  || fail "the module does not create its user: $users"
custom=$(nix eval --impure --raw --expr "(import $repo/scripts/ci/nix/nixos-eval.nix {
  module = import $src/nix/module.nix { packages.$system.default = null; }; stub = $stub; prefix = \"/opt/automated-fanfic\";
  settings = { user = \"calibre\"; group = \"calibre\"; }; }).unit + builtins.toJSON (import $repo/scripts/ci/nix/nixos-eval.nix {
  module = import $src/nix/module.nix { packages.$system.default = null; }; stub = $stub; prefix = \"/opt/automated-fanfic\";
  settings = { user = \"calibre\"; group = \"calibre\"; }; }).users")
grep -qxF "User=calibre" <<<"$custom" && grep -q '{}$' <<<"$custom" || fail "a user of one's own is not used as it is"
# The module's default package is the flake's.
start=$(nix eval --impure --raw "${flake[@]}" "path:$src#nixosModules.default" --apply "module: (import $repo/scripts/ci/nix/nixos-eval.nix { inherit module; stub = $stub; }).serviceConfig.ExecStart") \
  || fail "the flake's nixosModules.default does not evaluate"
[[ "$start" == /nix/store/*-automated-fanfic-0.1.0/bin/automated-fanfic\ daemon ]] || fail "the flake's module starts $start"
say "the NixOS module evaluates: static user and group, UMask 0002, HOME, RestartPreventExitStatus=2, the library writable"

# README.md's NixOS example: a flake file of its own that parses, with imports inside a module.
awk '/^<!-- nixos-flake/ { found = 1; next } found && /^```/ { if (inside) exit; inside = 1; next } inside { print }' "$repo/README.md" >"$work/example-flake.nix"
[ -s "$work/example-flake.nix" ] || fail "README.md has no nixos-flake example"
nix-instantiate --parse "$work/example-flake.nix" >/dev/null 2> >(grep -v "group 'nixbld'" >&2) || fail "README.md's NixOS example does not parse"
nix-instantiate --eval --strict -E "let f = import $work/example-flake.nix; in assert builtins.isFunction f.outputs; builtins.attrNames f.inputs" >/dev/null 2> >(grep -v "group 'nixbld'" >&2) \
  || fail "README.md's NixOS example is not a flake (inputs, outputs)"
say "README.md's NixOS example is a flake that parses"

say "passed ($(elapsed))"
