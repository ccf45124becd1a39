import { Effect, FileSystem } from "effect"
import { tmpdir } from "node:os"
import { join } from "node:path"

// Each job works in its own temporary folder, removed when the job ends however it ends. Only
// a killed process leaves one behind, so the name carries the owner's pid and the next start
// removes the folders of owners that are gone.

export const jailPrefix = (pid: number) => `automated-fanfic-job-${pid}-`

const ownerOf = (name: string): number | undefined => {
  const match = /^automated-fanfic-job-(\d+)-/.exec(name)
  return match?.[1] === undefined ? undefined : Number(match[1])
}

export const removeStaleJails = Effect.fn("removeStaleJails")(function* (isAlive: (pid: number) => boolean, directory: string = tmpdir()) {
  const fs = yield* FileSystem.FileSystem
  const names = yield* fs.readDirectory(directory)
  const stale = names.filter((name) => {
    const owner = ownerOf(name)
    return owner !== undefined && owner !== process.pid && !isAlive(owner)
  })
  yield* Effect.forEach(stale, (name) => fs.remove(join(directory, name), { recursive: true }), { discard: true })
  return stale.length
})
