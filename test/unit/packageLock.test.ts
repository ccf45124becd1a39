import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { repoRoot } from "../support/paths.ts"

// Nix's importNpmLock fetches every package of package-lock.json from its `resolved` address and
// checks it against `integrity`; an npm configured with omit-lockfile-registry-resolved=true (as
// some machines are) drops the addresses. The project's .npmrc keeps them.
describe("package-lock.json", () => {
  const lock = JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8")) as {
    packages: Record<string, { resolved?: string; integrity?: string; link?: boolean }>
  }

  it("gives every package entry a registry address and an integrity hash", () => {
    const entries = Object.entries(lock.packages).filter(([path, entry]) => path !== "" && entry.link !== true)
    expect(entries.length).toBeGreaterThan(100)
    expect(entries.filter(([, entry]) => !entry.resolved?.startsWith("https://registry.npmjs.org/")).map(([path]) => path)).toEqual([])
    expect(entries.filter(([, entry]) => !entry.integrity?.startsWith("sha512-")).map(([path]) => path)).toEqual([])
  })

  it("is kept that way by the project's .npmrc", () => {
    expect(readFileSync(join(repoRoot, ".npmrc"), "utf8")).toMatch(/^omit-lockfile-registry-resolved=false$/m)
  })
})
