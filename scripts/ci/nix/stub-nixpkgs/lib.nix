# A stand-in for nixpkgs' lib, written for scripts/ci/nix-check.sh: it is NOT nixpkgs' lib. It has
# only the functions flake.nix, nix/package.nix, nix/module.nix, the stub packages (packages.nix)
# and scripts/ci/nix/nixos-eval.nix call, each written here from Nix builtins. There is no module
# system: mkOption returns its arguments (so nixos-eval.nix can read `default` and `type`), mkIf a
# marker that nixos-eval.nix resolves, and a type is only a name and a check of a value.
let
  inherit (builtins) attrNames concatStringsSep filter isAttrs isList isString listToAttrs replaceStrings;
in
rec {
  # Attribute sets.
  genAttrs = names: f: listToAttrs (map (name: { inherit name; value = f name; }) names);
  mapAttrsToList = f: attrs: map (name: f name attrs.${name}) (attrNames attrs);
  filterAttrs = keep: attrs: removeAttrs attrs (filter (name: !(keep name attrs.${name})) (attrNames attrs));
  optionalAttrs = condition: attrs: if condition then attrs else { };

  # Lists and strings.
  optional = condition: item: if condition then [ item ] else [ ];
  toList = value: if isList value then value else [ value ];
  inherit concatStringsSep;
  concatStrings = concatStringsSep "";
  concatMapStrings = f: list: concatStringsSep "" (map f list);
  hasPrefix = prefix: string: builtins.substring 0 (builtins.stringLength prefix) string == prefix;
  # Single quotes around the whole argument; a quote inside becomes '\'' (close, escaped quote, reopen).
  escapeShellArg = arg: "'" + replaceStrings [ "'" ] [ "'\\''" ] (toString arg) + "'";
  makeBinPath = packages: concatStringsSep ":" (map (package: "${package}/bin") packages);

  # Functions, files, errors.
  fix = f: let result = f result; in result;
  # Calls a package function with the arguments it names that `scope` has, then `args` over them.
  callPackageWith = scope: fn: args:
    let f = if builtins.isFunction fn then fn else import fn;
    in f (builtins.intersectAttrs (builtins.functionArgs f) scope // args);
  importJSON = path: builtins.fromJSON (builtins.readFile path);
  assertMsg = condition: message: condition || throw message;

  # What package.nix's meta names.
  licenses.mit = { spdxId = "MIT"; };
  platforms.linux = [ "x86_64-linux" "aarch64-linux" ];

  # Options, as far as nixos-eval.nix reads them.
  mkOption = attrs: attrs // { _type = "option"; };
  mkEnableOption = what: mkOption { type = types.bool; default = false; description = "Whether to enable ${what}."; };
  literalExpression = text: { _type = "literalExpression"; inherit text; };
  mkIf = condition: content: { _type = "if"; inherit condition content; };

  types = {
    bool = { name = "bool"; check = builtins.isBool; };
    str = { name = "str"; check = isString; };
    # An absolute path: a Nix path, or a string that starts with /.
    path = { name = "path"; check = value: builtins.isPath value || (isString value && hasPrefix "/" value); };
    package = { name = "package"; check = value: isAttrs value && (value.type or null) == "derivation"; };
    nullOr = type: { name = "null or ${type.name}"; check = value: value == null || type.check value; };
  };
}
