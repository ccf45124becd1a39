import { Effect } from "effect"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { delimiter, join } from "node:path"
import { lockState, tempOwnerLock } from "./ownership.ts"

// The external programs this process starts (FanFicFare, calibredb) must never outlive it. They
// run in their own process group, so that a timeout can kill a child and everything it started,
// which also means a `kill -- -PGID` of ours misses them. So each is started through
// `setpriv --pdeathsig KILL`: the kernel kills it the moment this process dies, by any signal.
// And each carries the path of its owner's lock file in its environment: a start ends children
// whose owner's lock nobody holds (the instant between fork and setpriv's prctl, a version
// without setpriv) before it touches their work folders.

const ownerVariable = "AUTOMATED_FANFIC_OWNER_LOCK"
export const childEnvironment: Readonly<Record<string, string>> = { [ownerVariable]: tempOwnerLock }

const findOnPath = (program: string) =>
  (process.env["PATH"] ?? "").split(delimiter).map((directory) => join(directory, program)).find((path) => path !== program && existsSync(path))

// Where util-linux is missing (a minimal image), children still die with their job and on a
// clean stop; only a SIGKILL of this process can then orphan them, and the next start ends them.
const setpriv = process.platform === "linux" ? findOnPath("setpriv") : undefined

export const launch = (command: string, args: ReadonlyArray<string>): ReadonlyArray<string> =>
  setpriv === undefined ? [command, ...args] : [setpriv, "--pdeathsig", "KILL", "--", command, ...args]

// setpriv answers 126/127 and says so when the program itself cannot start.
export const launcherCouldNotStart = (result: { readonly exitCode: number; readonly stderr: string }): string | undefined => {
  if (setpriv === undefined || (result.exitCode !== 126 && result.exitCode !== 127)) return undefined
  const match = /^setpriv: failed to execute \S+: (.+)$/m.exec(result.stderr)
  return match?.[1]
}

const ownerLockOf = (pid: string): string | undefined => {
  try {
    const entry = readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").find((variable) => variable.startsWith(`${ownerVariable}=`))
    return entry?.slice(ownerVariable.length + 1)
  } catch {
    // Gone, or not ours to read.
    return undefined
  }
}

// Gone, or a zombie: either way it runs no more code.
const hasEnded = (pid: string) => {
  try {
    return /^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, "latin1"))
  } catch {
    return true
  }
}

const processIds = () => {
  try {
    return readdirSync("/proc").filter((name) => /^\d+$/.test(name) && name !== String(process.pid))
  } catch {
    return []
  }
}

// Children of processes that are gone: killed, then waited for (at most a few seconds).
export const endOrphanedChildren = Effect.gen(function* () {
  const orphans = processIds().filter((pid) => {
    const lock = ownerLockOf(pid)
    return lock !== undefined && lock !== tempOwnerLock && lockState(lock) !== "held"
  })
  for (const pid of orphans) {
    try {
      process.kill(Number(pid), "SIGKILL")
    } catch {
      // Already gone.
    }
  }
  for (let waited = 0; waited < 100 && !orphans.every(hasEnded); waited++) yield* Effect.sleep("50 millis")
  return orphans.length
})
