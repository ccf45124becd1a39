import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { repoRoot } from "./paths.ts"

// Tests drive the real programs. A missing one fails the test with the fix, never skips it.
export const requireRealComponents = () => {
  const fanficfare = join(repoRoot, ".venv", "bin", "fanficfare")
  if (!existsSync(fanficfare)) throw new Error(`FanFicFare is not installed at ${fanficfare}: run bash scripts/setup.sh`)
  try {
    execFileSync("calibredb", ["--version"], { stdio: "ignore" })
  } catch {
    throw new Error("calibredb is not installed: run bash scripts/setup.sh (as root it installs Debian's calibre)")
  }
}

export interface LibraryRecord {
  readonly id: number
  readonly title: string
  readonly identifiers: Record<string, string>
  readonly formats?: ReadonlyArray<string>
}

// Reads a library straight through calibredb, independently of the code under test.
export const listLibrary = (library: string): ReadonlyArray<LibraryRecord> =>
  JSON.parse(execFileSync("calibredb", ["list", "--with-library", library, "--for-machine", "--fields", "title,identifiers,formats"], {
    encoding: "utf8",
    env: { ...process.env, QTWEBENGINE_DISABLE_SANDBOX: "1" }
  }))
