{
  description = "automated-fanfic: fanfiction update alerts from your mailbox into your Calibre library";

  # No flake.lock is committed (creating one needs GitHub): `nix flake lock` pins nixpkgs; until
  # then every evaluation takes nixos-unstable as it is that day.
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (pkgs: rec {
        automated-fanfic = pkgs.callPackage ./nix/package.nix { src = self; };
        default = automated-fanfic;
      });

      # `nix run` starts the daemon; `nix run .#automated-fanfic -- once` runs a single pass.
      apps = forAllSystems (pkgs: {
        default = {
          type = "app";
          program = "${pkgs.writeShellScript "automated-fanfic-daemon" ''
            exec ${self.packages.${pkgs.stdenv.hostPlatform.system}.default}/bin/automated-fanfic daemon "$@"
          ''}";
        };
        automated-fanfic = {
          type = "app";
          program = "${self.packages.${pkgs.stdenv.hostPlatform.system}.default}/bin/automated-fanfic";
        };
      });

      # The tools the tests use, with the FanFicFare version CI tests (the package's override).
      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          packages = [
            pkgs.nodejs_24
            self.packages.${pkgs.stdenv.hostPlatform.system}.default.fanficfare
            pkgs.calibre
            pkgs.dovecot
            pkgs.apprise
            pkgs.openssl
          ];
        };
      });

      nixosModules.default = import ./nix/module.nix self;
    };
}
