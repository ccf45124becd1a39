# Evaluates nix/module.nix without NixOS's module system (neither it nor nixpkgs' lib is available
# offline) and renders what NixOS would make of it: the systemd unit (as nixos/lib/systemd-lib.nix
# writes units), the users and groups, and the administrator's `automated-fanfic` command.
#
# The simple way, with the stub lib (stub-nixpkgs/lib.nix): the module function is called with a
# `config` whose services.automated-fanfic is its options' defaults with `settings` over them (each
# value checked against its option's type, and no option it does not declare), and the mkIf
# wrappers in the `config` it returns are resolved here. What it sets must be the options below,
# with the defaults NixOS gives them.
#
#   nix eval --impure --raw --expr '(import ./nixos-eval.nix { module = …; }).unit'
{ module, stub ? ./stub-nixpkgs, system ? "x86_64-linux", prefix ? null, settings ? { } }:
let
  lib = import (stub + "/lib.nix");
  stubPkgs = import (stub + "/packages.nix") { inherit lib system; };
  # `prefix`: where the package and the tools the module names live on the machine that runs the
  # rendered unit (a Debian container in scripts/ci/systemd-check.sh), instead of stub store paths.
  installedAt = path: name: { type = "derivation"; outPath = path; inherit name; };
  pkgs = if prefix == null then stubPkgs else stubPkgs // {
    coreutils = installedAt "/usr" "coreutils";
    util-linux = installedAt "/usr" "util-linux";
  };

  # The module's own options: their defaults, with the test's settings over them.
  given = {
    enable = true;
    configFile = "/etc/automated-fanfic/config.toml";
    libraryDir = "/srv/calibre";
  } // lib.optionalAttrs (prefix != null) { package = installedAt prefix "automated-fanfic"; } // settings;
  evaluated = module { inherit config lib pkgs; };
  declared = evaluated.options.services.automated-fanfic;
  undeclared = builtins.attrNames (removeAttrs given (builtins.attrNames declared));
  value = name: option:
    let
      v = given.${name} or option.default or (throw "services.automated-fanfic.${name} is used but not set");
    in
    if option.type.check v then v
    else throw "services.automated-fanfic.${name} is not a ${option.type.name}: ${builtins.toJSON v}";
  config = {
    services.automated-fanfic =
      if undeclared != [ ] then throw "the module declares no option services.automated-fanfic.${builtins.head undeclared}"
      else builtins.mapAttrs value declared;
  };

  # mkIf, resolved: its content where the condition holds, gone where it does not. Derivations are
  # values, not settings, and are left as they are.
  removed = { _type = "removed"; };
  kept = v: !(builtins.isAttrs v && (v._type or null) == "removed");
  resolve = v:
    if builtins.isAttrs v && (v._type or null) == "if" then (if v.condition then resolve v.content else removed)
    else if builtins.isAttrs v && (v.type or null) != "derivation" then
      lib.filterAttrs (_: kept) (builtins.mapAttrs (_: resolve) v)
    else if builtins.isList v then builtins.filter kept (map resolve v)
    else v;
  set = let resolved = resolve evaluated.config; in if kept resolved then resolved else { };

  # The NixOS options the module sets, with NixOS's defaults; anything else it sets is an error.
  withDefaults = what: defaults: attrs:
    let unknown = builtins.attrNames (removeAttrs attrs (builtins.attrNames defaults)); in
    if unknown != [ ] then throw "the module sets ${what}.${builtins.head unknown}, which this evaluation does not know"
    else defaults // attrs;
  nixos = withDefaults "config" { systemd = { }; users = { }; environment = { }; } set;
  services = (withDefaults "systemd" { services = { }; } nixos.systemd).services;
  users = withDefaults "users" { users = { }; groups = { }; } nixos.users;
  systemPackages = (withDefaults "environment" { systemPackages = [ ]; } nixos.environment).systemPackages;
  service = withDefaults "systemd.services.automated-fanfic"
    { description = ""; wantedBy = [ ]; wants = [ ]; after = [ ]; environment = { }; serviceConfig = { }; }
    services.automated-fanfic;
  user = name: withDefaults "users.users.${name}" { isSystemUser = false; group = ""; home = "/var/empty"; };

  # nixos/lib/systemd-lib.nix: one line per value, lists as repeated keys, booleans as true/false.
  toOption = value: if value == true then "true" else if value == false then "false" else toString value;
  lines = name: value: lib.concatMapStrings (item: "${name}=${toOption item}\n") (lib.toList value);
  section = title: attrs: "[${title}]\n" + lib.concatStrings (lib.mapAttrsToList lines attrs);
  unit =
    section "Unit" ({ Description = service.description; }
      // lib.optionalAttrs (service.after != [ ]) { After = lib.concatStringsSep " " service.after; }
      // lib.optionalAttrs (service.wants != [ ]) { Wants = lib.concatStringsSep " " service.wants; })
    + "\n" + section "Service" ({
      Environment = lib.mapAttrsToList (name: value: "\"${name}=${toString value}\"") (lib.filterAttrs (_: v: v != null) service.environment);
    } // service.serviceConfig)
    + "\n" + section "Install" { WantedBy = lib.concatStringsSep " " service.wantedBy; };
in
{
  inherit unit;
  users = builtins.mapAttrs user users.users;
  groups = builtins.attrNames users.groups;
  cli = (builtins.head systemPackages).text;
  serviceConfig = service.serviceConfig;
}
