# services.automated-fanfic: the daemon as a hardened systemd service.
self:
{ config, lib, pkgs, ... }:
let
  cfg = config.services.automated-fanfic;
in
{
  options.services.automated-fanfic = {
    enable = lib.mkEnableOption "automated-fanfic, which turns fanfiction update emails into Calibre books";
    package = lib.mkOption {
      type = lib.types.package;
      default = self.packages.${pkgs.stdenv.hostPlatform.system}.default;
      description = "The automated-fanfic package to run.";
    };
    configFile = lib.mkOption {
      type = lib.types.path;
      description = "config.toml (AutomatedFanfic's format). Keep secrets out of the Nix store: use environmentFile.";
    };
    environmentFile = lib.mkOption {
      type = lib.types.nullOr lib.types.path;
      default = null;
      example = "/run/secrets/automated-fanfic.env";
      description = "FFDL_ overrides with secrets, e.g. FFDL_EMAIL__PASSWORD=…";
    };
    dataDir = lib.mkOption {
      type = lib.types.str;
      default = "/var/lib/automated-fanfic";
      description = "The job store and the daemon's health file.";
    };
    libraryDir = lib.mkOption {
      type = lib.types.nullOr lib.types.str;
      default = null;
      description = "A local Calibre library folder the service may write (leave null for a content server URL).";
    };
  };

  config = lib.mkIf cfg.enable {
    systemd.services.automated-fanfic = {
      description = "automated-fanfic: fanfiction alerts from your mailbox into Calibre";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];
      environment = {
        AUTOMATED_FANFIC_CONFIG = "${cfg.configFile}";
        FFDL_DATA__DIR = cfg.dataDir;
      };
      serviceConfig = {
        ExecStart = "${cfg.package}/bin/automated-fanfic daemon";
        EnvironmentFile = lib.mkIf (cfg.environmentFile != null) cfg.environmentFile;
        DynamicUser = true;
        StateDirectory = "automated-fanfic";
        # SIGTERM stops cleanly within [process] shutdown_timeout (30 s by default).
        KillSignal = "SIGTERM";
        TimeoutStopSec = 45;
        Restart = "on-failure";
        RestartSec = 10;
        ReadWritePaths = [ cfg.dataDir ] ++ lib.optional (cfg.libraryDir != null) cfg.libraryDir;
        NoNewPrivileges = true;
        ProtectSystem = "strict";
        ProtectHome = true;
        PrivateTmp = true;
        PrivateDevices = true;
        ProtectKernelTunables = true;
        ProtectKernelModules = true;
        ProtectKernelLogs = true;
        ProtectControlGroups = true;
        ProtectClock = true;
        ProtectHostname = true;
        RestrictAddressFamilies = [ "AF_UNIX" "AF_INET" "AF_INET6" ];
        RestrictNamespaces = true;
        RestrictRealtime = true;
        RestrictSUIDSGID = true;
        LockPersonality = true;
        SystemCallArchitectures = "native";
        SystemCallFilter = [ "@system-service" ];
        CapabilityBoundingSet = "";
        UMask = "0077";
      };
    };
  };
}
