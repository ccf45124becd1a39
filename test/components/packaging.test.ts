import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { repoRoot } from "../support/paths.ts"

// What the deployments are built from, checked quickly here. The deployments themselves are built
// and run by CI stages: scripts/ci/image-check.sh (the Docker image, README's docker commands and
// compose.yaml), scripts/ci/nix-check.sh (the flake and the NixOS module, evaluated offline) and
// scripts/ci/systemd-check.sh (both units under systemd).

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

describe("Nix files", () => {
  it.each(["flake.nix", "nix/package.nix", "nix/module.nix"])("%s parses", (file) => {
    const parsed = spawnSync("nix-instantiate", ["--parse", join(repoRoot, file)], { encoding: "utf8" })
    expect(parsed.error?.message ?? "", "nix-instantiate is missing: run bash scripts/setup.sh --tests").toBe("")
    expect(parsed.stderr.replace(/warning: the group 'nixbld'[^\n]*\n/g, "")).toBe("")
    expect(parsed.status).toBe(0)
  })
})

describe("the README's deployment recipes", () => {
  it("quotes compose.yaml exactly, and has the docker build and run blocks the image check runs", () => {
    expect(readmeBlock("compose.yaml")).toBe(read("compose.yaml").trimEnd())
    expect(readmeBlock("docker-build")).toMatch(/^docker build -t automated-fanfic \.$/m)
    expect(readmeBlock("docker-run")).toMatch(/docker run -d --name automated-fanfic .*--stop-timeout 45/)
    expect(readmeBlock("nixos-flake")).toContain("automated-fanfic.nixosModules.default")
  })

  it("every file the Dockerfile copies exists and passes .dockerignore", () => {
    const allowed = read(".dockerignore").split("\n").filter((line) => line.startsWith("!")).map((line) => line.slice(1).replace(/\/$/, ""))
    const copies = read("Dockerfile").split("\n").filter((line) => line.startsWith("COPY ") && !line.includes("--from="))
    expect(copies.length).toBeGreaterThan(3)
    for (const copy of copies) {
      for (const source of copy.replace(/^COPY /, "").split(/\s+/).slice(0, -1)) {
        expect(existsSync(join(repoRoot, source)), source).toBe(true)
        expect(allowed.some((entry) => source === entry || source.startsWith(`${entry}/`)), `${source} is excluded by .dockerignore`).toBe(true)
      }
    }
  })
})
