import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { repoRoot } from "../support/paths.ts"

// The deployments are built and run by CI stages: scripts/ci/image-check.sh (the README's docker
// build and run blocks as written, compose.yaml as the README quotes it), scripts/ci/nix-check.sh
// (every .nix file parses, the flake and the NixOS module evaluate, the README's NixOS example is a
// flake) and scripts/ci/systemd-check.sh (both units under systemd). What is left here is what none
// of them looks at.

const read = (path: string) => readFileSync(join(repoRoot, path), "utf8")

// The fenced block after README.md's <!-- NAME --> marker, as the CI checks extract it.
const readmeBlock = (name: string): string => {
  const lines = read("README.md").split("\n")
  const at = lines.findIndex((line) => line.startsWith(`<!-- ${name}`))
  if (at < 0) return ""
  const open = lines.findIndex((line, index) => index > at && line.startsWith("```"))
  const close = lines.findIndex((line, index) => index > open && line.startsWith("```"))
  return lines.slice(open + 1, close).join("\n")
}

describe("the README's deployment recipes", () => {
  // nix-check.sh only parses the example (its inputs cannot be fetched offline), so nothing else
  // sees whether it uses the flake's module.
  it("the NixOS example uses the flake's module", () => {
    expect(readmeBlock("nixos-flake")).toContain("automated-fanfic.nixosModules.default")
  })
})
