# Stub packages: derivations that are never built (the builder fails), with the attributes and
# functions our Nix files call. importNpmLock checks what the real one needs of package-lock.json:
# `resolved` and `integrity` on every package entry (it fetches each with fetchurl).
{ lib, system }:
let
  stub = name: attrs: derivation ({ inherit name system; builder = "/bin/sh"; args = [ "-c" "exit 1" ]; } // attrs);

  # A Python application as nixpkgs builds it, overridable the way nixpkgs' are.
  pythonApplication = attrs:
    let
      drv = stub "${attrs.pname}-${attrs.version}" {
        inherit (attrs) version;
        src = attrs.src;
        propagatedBuildInputs = attrs.propagatedBuildInputs or [ ];
      };
    in
    drv // {
      inherit (attrs) pname version src;
      propagatedBuildInputs = attrs.propagatedBuildInputs or [ ];
      overridePythonAttrs = f: pythonApplication (attrs // (if builtins.isFunction f then f attrs else f));
    };

  fetchPypi = { pname, version, hash, ... }:
    assert lib.assertMsg (lib.hasPrefix "sha256-" hash) "fetchPypi: hash must be an SRI sha256";
    stub "${pname}-${version}.tar.gz" { inherit pname version; outputHash = hash; outputHashMode = "flat"; };

  importNpmLock = {
    __functor = _: { npmRoot, ... }:
      let
        lock = lib.importJSON (npmRoot + "/package-lock.json");
        entries = lib.filterAttrs (path: entry: path != "" && !(entry.link or false)) lock.packages;
        checked = lib.mapAttrsToList
          (path: entry:
            if !(entry ? resolved) then throw "importNpmLock: ${path} in package-lock.json has no `resolved`"
            else if !(entry ? integrity) then throw "importNpmLock: ${path} in package-lock.json has no `integrity`"
            else "${entry.resolved}#${entry.integrity}")
          entries;
      in
      stub "npm-deps" { tarballs = builtins.concatStringsSep " " checked; };
    npmConfigHook = stub "npm-config-hook" { };
  };

  pythonPackages = {
    apsw = stub "python3-apsw" { };
    toPythonModule = drv: drv;
  };

  python3 = stub "python3" { } // {
    withPackages = f: stub "python3-env" { packages = f pythonPackages; };
    pkgs = pythonPackages;
  };

  textScript = name: text: stub name { inherit text; } // { inherit text; };
in
lib.fix (pkgs: {
  inherit lib fetchPypi importNpmLock python3;
  python3Packages = pythonPackages;
  callPackage = lib.callPackageWith pkgs;
  stdenv = { hostPlatform = { inherit system; }; };

  buildNpmPackage = { pname, version, src, npmDeps, buildPhase, installPhase, meta ? { }, passthru ? { }, ... }@args:
    assert lib.assertMsg (args ? nodejs) "buildNpmPackage: no nodejs given";
    stub "${pname}-${version}" {
      inherit src buildPhase installPhase npmDeps;
      npmFlags = toString (args.npmFlags or [ ]);
    } // passthru // { inherit meta pname version; };

  writeShellScript = textScript;
  writeShellScriptBin = name: text: textScript name text;
  mkShell = { packages ? [ ], ... }: stub "shell" { packages = map toString packages; };

  fanficfare = pythonApplication {
    pname = "fanficfare";
    version = "4.54.0";
    src = fetchPypi { pname = "fanficfare"; version = "4.54.0"; hash = "sha256-Pypts27ksSx8r+nLo3wup2ltbcayJ91VyF2+JchrE2c="; };
    propagatedBuildInputs = [ (stub "python3-beautifulsoup4" { }) ];
  };

  nodejs_24 = stub "nodejs-24" { };
  makeWrapper = stub "make-wrapper-hook" { };
  calibre = stub "calibre" { };
  apprise = stub "apprise" { };
  dovecot = stub "dovecot" { };
  openssl = stub "openssl" { };
  coreutils = stub "coreutils" { };
  util-linux = stub "util-linux" { };
})
