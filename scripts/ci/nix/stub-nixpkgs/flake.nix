# An offline stand-in for nixpkgs (scripts/ci/nix-check.sh passes it with --override-input): a lib
# of our own with only what our Nix files call (lib.nix, not nixpkgs' lib), and stub packages that
# keep the calling conventions our flake uses (packages.nix).
{
  description = "stub nixpkgs for automated-fanfic's offline Nix check";
  outputs = { self }:
    let
      lib = import ./lib.nix;
      systems = [ "x86_64-linux" "aarch64-linux" ];
    in
    {
      inherit lib;
      legacyPackages = lib.genAttrs systems (system: import ./packages.nix { inherit lib system; });
    };
}
