# Evaluates nix/module.nix with nixpkgs' real module system and renders what NixOS would make of
# it: the systemd unit (as nixos/lib/systemd-lib.nix writes units), the users and groups, and the
# administrator's `automated-fanfic` command. NixOS itself is not available offline, so the options
# the module sets are declared here with the types NixOS gives them.
#
#   nix eval --impure --raw --expr '(import ./nixos-eval.nix { module = …; stub = …; }).unit'
{ module, stub, system ? "x86_64-linux", prefix ? null, settings ? { } }:
let
  lib = import (stub + "/lib");
  stubPkgs = import (stub + "/packages.nix") { inherit lib system; };
  # `prefix`: where the package and the tools the module names live on the machine that runs the
  # rendered unit (a Debian container in scripts/ci/systemd-check.sh), instead of stub store paths.
  installedAt = path: name: { type = "derivation"; outPath = path; inherit name; };
  pkgs = if prefix == null then stubPkgs else stubPkgs // {
    coreutils = installedAt "/usr" "coreutils";
    util-linux = installedAt "/usr" "util-linux";
  };

  unitOption = with lib.types; oneOf [ bool int str path (listOf (oneOf [ bool int str path ])) ];
  nixosOptions = { lib, ... }: with lib; {
    options = {
      systemd.services = mkOption {
        default = { };
        type = types.attrsOf (types.submodule {
          options = {
            description = mkOption { type = types.str; default = ""; };
            wantedBy = mkOption { type = types.listOf types.str; default = [ ]; };
            wants = mkOption { type = types.listOf types.str; default = [ ]; };
            after = mkOption { type = types.listOf types.str; default = [ ]; };
            environment = mkOption { type = types.attrsOf (types.nullOr (types.oneOf [ types.str types.path types.package ])); default = { }; };
            serviceConfig = mkOption { type = types.attrsOf unitOption; default = { }; };
          };
        });
      };
      users.users = mkOption {
        default = { };
        type = types.attrsOf (types.submodule {
          options = {
            isSystemUser = mkOption { type = types.bool; default = false; };
            group = mkOption { type = types.str; default = ""; };
            home = mkOption { type = types.str; default = "/var/empty"; };
          };
        });
      };
      users.groups = mkOption { type = types.attrsOf (types.submodule { }); default = { }; };
      environment.systemPackages = mkOption { type = types.listOf types.package; default = [ ]; };
    };
  };

  evaluated = lib.evalModules {
    modules = [
      nixosOptions
      module
      {
        _module.args.pkgs = pkgs;
        services.automated-fanfic = {
          enable = true;
          configFile = "/etc/automated-fanfic/config.toml";
          libraryDir = "/srv/calibre";
        } // lib.optionalAttrs (prefix != null) { package = installedAt prefix "automated-fanfic"; } // settings;
      }
    ];
  };
  config = evaluated.config;
  service = config.systemd.services.automated-fanfic;

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
  users = lib.mapAttrs (_: user: { inherit (user) isSystemUser group home; }) config.users.users;
  groups = builtins.attrNames config.users.groups;
  cli = (builtins.head config.environment.systemPackages).text;
  serviceConfig = service.serviceConfig;
}
