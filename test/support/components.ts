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

const calibreEnv = { ...process.env, QTWEBENGINE_DISABLE_SANDBOX: "1" }
const pause = new Int32Array(new SharedArrayBuffer(4))

// calibredb run the way a person would run it next to the program: the library session holds
// the library until it has been idle for 2 s, and calibredb says "busy" until then, so a busy
// answer is tried again for a while. Anything else (a failure, the output) is calibredb's own.
export const calibredbWhenFree = (args: ReadonlyArray<string>, waitSeconds = 15): string => {
  for (let waited = 0; ; waited += 0.25) {
    try {
      return execFileSync("calibredb", [...args], { encoding: "utf8", env: calibreEnv, stdio: ["ignore", "pipe", "pipe"] })
    } catch (error) {
      const busy = error instanceof Error && "stderr" in error && String(error.stderr).includes("Another calibre program")
      if (!busy || waited >= waitSeconds) throw error
      Atomics.wait(pause, 0, 0, 250)
    }
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
  JSON.parse(calibredbWhenFree(["list", "--with-library", library, "--for-machine", "--fields", "title,identifiers,formats"]))
