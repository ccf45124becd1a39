# The esbuild bundle with a wrapper that puts nixpkgs' FanFicFare, calibre and apprise on PATH.
{ lib, buildNpmPackage, importNpmLock, nodejs_24, makeWrapper, fanficfare, calibre, apprise, python3, src }:
let
  # The Python that can import fanficfare, for reading story links of sites without our own rules.
  fanficfarePython = python3.withPackages (ps: [ (ps.toPythonModule fanficfare) ]);
in
buildNpmPackage {
  pname = "automated-fanfic";
  version = "0.1.0";
  inherit src;
  nodejs = nodejs_24;
  # Dependencies straight from package-lock.json's integrity hashes: no separate hash to keep.
  npmDeps = importNpmLock { npmRoot = src; };
  npmConfigHook = importNpmLock.npmConfigHook;
  npmFlags = [ "--ignore-scripts" ];
  nativeBuildInputs = [ makeWrapper ];
  buildPhase = ''
    runHook preBuild
    npm run bundle
    runHook postBuild
  '';
  installPhase = ''
    runHook preInstall
    mkdir -p $out/lib/automated-fanfic $out/bin
    cp -r dist scripts package.json config.example.toml $out/lib/automated-fanfic/
    makeWrapper ${nodejs_24}/bin/node $out/bin/automated-fanfic \
      --add-flags "--max-semi-space-size=8 $out/lib/automated-fanfic/dist/automated-fanfic.mjs" \
      --prefix PATH : ${lib.makeBinPath [ fanficfare calibre apprise ]} \
      --set-default FFDL_FANFICFARE__PATH ${fanficfare}/bin/fanficfare \
      --set-default FFDL_FANFICFARE__PYTHON ${fanficfarePython}/bin/python3
    runHook postInstall
  '';
  meta = {
    description = "Watches an IMAP mailbox for fanfiction update alerts and keeps a Calibre library up to date";
    license = lib.licenses.mit;
    mainProgram = "automated-fanfic";
    platforms = lib.platforms.linux;
  };
}
