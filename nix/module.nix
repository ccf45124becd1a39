# services.automated-fanfic: the daemon as a hardened systemd service, running as a static user
# whose group can share the Calibre library with the user's own Calibre or calibre-web.
self:
{ config, lib, pkgs, ... }:
let
  cfg = config.services.automated-fanfic;
  defaultName = "automated-fanfic";
  # `automated-fanfic add URL` / `status` for an administrator: the service's configuration and
  # data folder, run as the service's user (the job store belongs to it).
  cli = pkgs.writeShellScriptBin "automated-fanfic" ''
    export AUTOMATED_FANFIC_CONFIG=${lib.escapeShellArg "${cfg.configFile}"}
    export FFDL_DATA__DIR=${lib.escapeShellArg cfg.dataDir}
    if [ "$(${pkgs.coreutils}/bin/id -u)" = 0 ]; then
      exec ${pkgs.util-linux}/bin/setpriv --reuid=${lib.escapeShellArg cfg.user} --regid=${lib.escapeShellArg cfg.group} --init-groups -- ${cfg.package}/bin/automated-fanfic "$@"
    fi
    exec ${cfg.package}/bin/automated-fanfic "$@"
  '';
in
{
  options.services.automated-fanfic = {
    enable = lib.mkEnableOption "automated-fanfic, which turns fanfiction update emails into Calibre books";
    package = lib.mkOption {
      type = lib.types.package;
      default = self.packages.${pkgs.stdenv.hostPlatform.system}.default;
      defaultText = lib.literalExpression "automated-fanfic.packages.\${system}.default";
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
      description = "The job store, the daemon's health file and calibre's configuration folder.";
    };
    libraryDir = lib.mkOption {
      type = lib.types.nullOr lib.types.str;
      default = null;
      example = "/srv/calibre";
      description = ''
        A local Calibre library folder the service may write (leave null for a content server URL).
        It must be writable by `group` (e.g. `chgrp -R calibre /srv/calibre && chmod -R g+rwX,g+s /srv/calibre`).
      '';
    };
    user = lib.mkOption {
      type = lib.types.str;
      default = defaultName;
      description = "The user the service runs as; created when left at the default.";
    };
    group = lib.mkOption {
      type = lib.types.str;
      default = defaultName;
      example = "calibre-web";
      description = "The service's group: give it the library folder (a group shared with calibre-web, say). Created when left at the default.";
    };
    umask = lib.mkOption {
      type = lib.types.str;
      default = "0002";
      description = "The service's umask: the default leaves new books writable by the group and readable by everyone, for your own Calibre or calibre-web.";
    };
  };

  config = lib.mkIf cfg.enable {
    users.users = lib.mkIf (cfg.user == defaultName) {
      ${defaultName} = {
        isSystemUser = true;
        inherit (cfg) group;
        home = cfg.dataDir;
      };
    };
    users.groups = lib.mkIf (cfg.group == defaultName) { ${defaultName} = { }; };

    # `automated-fanfic add URL`, `status`, `check-config` against the service's store and config.
    environment.systemPackages = [ cli ];

    systemd.services.automated-fanfic = {
      description = "automated-fanfic: fanfiction alerts from your mailbox into Calibre";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];
      environment = {
        AUTOMATED_FANFIC_CONFIG = "${cfg.configFile}";
        FFDL_DATA__DIR = cfg.dataDir;
        # calibre and FanFicFare want a writable home; the service has only its data folder.
        HOME = cfg.dataDir;
      };
      serviceConfig = {
        ExecStart = "${cfg.package}/bin/automated-fanfic daemon";
        EnvironmentFile = lib.mkIf (cfg.environmentFile != null) cfg.environmentFile;
        User = cfg.user;
        Group = cfg.group;
        StateDirectory = lib.mkIf (cfg.dataDir == "/var/lib/automated-fanfic") "automated-fanfic";
        StateDirectoryMode = "0750";
        # SIGTERM stops cleanly within [process] shutdown_timeout (30 s by default).
        KillSignal = "SIGTERM";
        TimeoutStopSec = 45;
        Restart = "on-failure";
        RestartSec = 10;
        # Exit 2 is a configuration error: restarting cannot fix it.
        RestartPreventExitStatus = 2;
        ReadWritePaths = [ cfg.dataDir ] ++ lib.optional (cfg.libraryDir != null) cfg.libraryDir;
        UMask = cfg.umask;
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
      };
    };
  };
}
