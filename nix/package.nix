# The esbuild bundle with a wrapper that puts FanFicFare, calibre, apprise and setpriv (util-linux: children die with the daemon) on PATH.
{ lib, buildNpmPackage, importNpmLock, nodejs_24, makeWrapper, fanficfare, fetchPypi, python3Packages, calibre, apprise, util-linux, python3, src }:
let
  # The FanFicFare version CI tests (scripts/fanficfare-requirements.txt), not nixpkgs' older one.
  # The hash is the sha256 of the PyPI sdist; scripts/ci/nix-check.sh compares both with PyPI.
  fanficfarePinned = fanficfare.overridePythonAttrs (old: rec {
    version = "4.62.0";
    src = fetchPypi {
      pname = "fanficfare";
      inherit version;
      hash = "sha256-7uhl1GsLhjyrRwxsfmDVnhAtJdTOoJbKCEkTN6uBtp4=";
    };
    # 4.62 imports apsw, which nixpkgs' 4.54 did not.
    propagatedBuildInputs = (old.propagatedBuildInputs or [ ]) ++ [ python3Packages.apsw ];
  });
  # The Python that can import fanficfare, for reading story links of sites without our own rules.
  fanficfarePython = python3.withPackages (ps: [ (ps.toPythonModule fanficfarePinned) ]);
in
buildNpmPackage {
  pname = "automated-fanfic";
  version = "0.1.0";
  inherit src;
  nodejs = nodejs_24;
  # Dependencies straight from package-lock.json's resolved addresses and integrity hashes: no
  # separate hash to keep (test/components/packaging.test.ts checks every entry has both).
  npmDeps = importNpmLock { npmRoot = src; };
  npmConfigHook = importNpmLock.npmConfigHook;
  npmFlags = [ "--ignore-scripts" ];
  nativeBuildInputs = [ makeWrapper ];
  buildPhase = ''
    runHook preBuild
    npm run bundle
    runHook postBuild
  '';
  # FanFicFare and the Python that imports it come first on PATH, which is where the program looks
  # when [fanficfare] path and python are empty: config.toml (or FFDL_FANFICFARE__PATH/PYTHON)
  # still wins, which a --set-default of those variables would not allow.
  installPhase = ''
    runHook preInstall
    mkdir -p $out/lib/automated-fanfic $out/bin
    cp -r dist scripts package.json config.example.toml $out/lib/automated-fanfic/
    makeWrapper ${nodejs_24}/bin/node $out/bin/automated-fanfic \
      --add-flags "--max-semi-space-size=8 $out/lib/automated-fanfic/dist/automated-fanfic.mjs" \
      --prefix PATH : ${lib.makeBinPath [ fanficfarePinned fanficfarePython calibre apprise util-linux ]}
    runHook postInstall
  '';
  passthru.fanficfare = fanficfarePinned;
  meta = {
    description = "Watches an IMAP mailbox for fanfiction update alerts and keeps a Calibre library up to date";
    license = lib.licenses.mit;
    mainProgram = "automated-fanfic";
    platforms = lib.platforms.linux;
  };
}
