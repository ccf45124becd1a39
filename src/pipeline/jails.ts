import { Effect } from "effect"
import { readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

// Each job works in its own temporary folder, removed when the job ends however it ends. Only
// a killed process leaves one behind, so the name carries the owner's pid and the next start
// removes the folders of owners that are gone. Synchronous on purpose: it runs once at start-up,
// before any job, and keeps the start-up free of I/O waits a test clock cannot see.

export const jailPrefix = (pid: number) => `automated-fanfic-job-${pid}-`

const ownerOf = (name: string): number | undefined => {
  const match = /^automated-fanfic-job-(\d+)-/.exec(name)
  return match?.[1] === undefined ? undefined : Number(match[1])
}

export const removeStaleJails = (isAlive: (pid: number) => boolean, directory: string = tmpdir()) =>
  Effect.try({
    try: () => {
      const stale = readdirSync(directory).filter((name) => {
        const owner = ownerOf(name)
        return owner !== undefined && owner !== process.pid && !isAlive(owner)
      })
      for (const name of stale) rmSync(join(directory, name), { recursive: true, force: true })
      return stale.length
    },
    catch: (error) => new Error(`cannot clean up old work folders in ${directory}: ${String(error)}`)
  })
