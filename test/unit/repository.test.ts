import { describe, expect, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { repoRoot } from "../support/paths.ts"

// Users clone the repository alone: nothing that runs may reach for the folder our team keeps
// beside it. Spelled in pieces so this file does not match itself.
const besideTheClone = new RegExp(["\\.\\./", "shared\\b|[\"'`]", "shared[\"'`]"].join(""))
const checkedFolders = ["src", "test", "bench", "scripts", ".ci", "bin", "docker", "contrib", "nix"]
const skipped = new Set(["node_modules", ".venv", "dist", "fanficfare-samples"])

const filesUnder = (folder: string): ReadonlyArray<string> => {
  const full = join(repoRoot, folder)
  let entries: ReadonlyArray<string>
  try {
    entries = readdirSync(full)
  } catch {
    return []
  }
  return entries.flatMap((name) => {
    if (skipped.has(name)) return []
    const path = join(full, name)
    return statSync(path).isDirectory() ? filesUnder(relative(repoRoot, path)) : [path]
  })
}

describe("the repository stands alone", () => {
  it("no code, test, script or CI step reads the folder beside the clone", () => {
    const readers = checkedFolders.flatMap(filesUnder).filter((file) => besideTheClone.test(readFileSync(file, "utf8")))
    expect(readers.map((file) => relative(repoRoot, file))).toEqual([])
  })

  it("the pattern catches a path join and a relative path", () => {
    const folder = ["sha", "red"].join("")
    expect(besideTheClone.test(`join(root, "..", "${folder}", "fixtures")`)).toBe(true)
    expect(besideTheClone.test(`readFileSync("../${folder}/reference/x")`)).toBe(true)
    expect(besideTheClone.test(`// a ${folder} helper`)).toBe(false)
  })
})

describe("setup", () => {
  const packages = (...flags: Array<string>) =>
    execFileSync("bash", ["scripts/setup.sh", "--print-packages", ...flags], { cwd: repoRoot, encoding: "utf8" }).trim().split("\n")
  const testOnly = ["dovecot-imapd", "openssl", "chromium", "nix-bin"]

  it("the README's run command installs only what the program needs", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8")
    expect(readme).toContain("bash scripts/setup.sh && bin/automated-fanfic once --url 'http://test1.com?sid=1'")
    const forRunning = packages()
    expect(forRunning).toEqual(expect.arrayContaining(["calibre", "python3", "python3-venv"]))
    for (const name of testOnly) expect(forRunning).not.toContain(name)
  })

  it("the README's test command adds what the tests need", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8")
    expect(readme).toContain("bash scripts/setup.sh --tests && npm test")
    expect(packages("--tests")).toEqual(expect.arrayContaining([...packages(), ...testOnly]))
  })

  it("the image installs neither npm nor test tools", () => {
    const forImage = packages("--production")
    for (const name of [...testOnly, "npm"]) expect(forImage).not.toContain(name)
  })
})
