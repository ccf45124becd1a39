import { Effect, FileSystem } from "effect"
import { readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { endOrphanedChildren } from "./children.ts"
import { holdOwnerLock, isOwnerAlive, removeDeadOwnerLocks, tempOwnerLock, tempOwnerPrefix, thisInstance } from "./ownership.ts"

// Each job works in its own temporary folder, removed when the job ends however it ends; the
// Calibre password file lives in one too. Only a killed process leaves them behind, so their
// names carry the owner's instance id, the owner holds its lock file beside them
// (automated-fanfic-owner-<id>.lock) for its life, and a start removes the folders whose owner's
// lock nobody holds. Not a pid: another process sharing this folder from another pid namespace,
// or a restart that got the same pid, must not be taken for the owner. Synchronous on purpose: it
// runs once at start-up, before any job, and keeps the start-up free of I/O waits a test clock
// cannot see.

export const jailPrefix = `automated-fanfic-job-${thisInstance}-`
export const secretFolderPrefix = `automated-fanfic-calibre-${thisInstance}-`
export const appriseFolderPrefix = `automated-fanfic-apprise-${thisInstance}-`

// Before this process makes a folder of its own in the temporary directory.
export const holdTempFolderOwnership = holdOwnerLock(tempOwnerLock)

const ownedFolder = /^automated-fanfic-(?:job|calibre|apprise)-([0-9a-f]+)-/
// Versions before instance ids named password folders by mkdtemp alone: no owner to ask.
const ownerlessSecretFolder = /^automated-fanfic-calibre-[A-Za-z0-9]{6}$/

// A secret a program reads from a file rather than its command line (which `ps` shows): only this
// user can read it, its folder is named after this process (prefix), and it is removed with the scope.
export const scopedSecretFile = Effect.fnUntraced(function* (fs: FileSystem.FileSystem, prefix: string, name: string, secret: string) {
  yield* holdTempFolderOwnership
  const directory = yield* fs.makeTempDirectoryScoped({ prefix }).pipe(Effect.orDie)
  const file = join(directory, name)
  yield* fs.writeFileString(file, secret, { mode: 0o600 }).pipe(Effect.orDie)
  return file
})

const removeStaleJails = (directory: string = tmpdir()) =>
  Effect.try({
    try: () => {
      const alive = isOwnerAlive(directory, tempOwnerPrefix)
      const stale = readdirSync(directory).filter((name) => {
        const owner = ownedFolder.exec(name)?.[1]
        return owner === undefined ? ownerlessSecretFolder.test(name) : !alive(owner)
      })
      for (const name of stale) rmSync(join(directory, name), { recursive: true, force: true })
      removeDeadOwnerLocks(directory, tempOwnerPrefix)
      return stale.length
    },
    catch: (error) => new Error(`cannot clean up old work folders in ${directory}: ${String(error)}`)
  })

// What killed runs left: their programs first (they may still be writing), then their folders.
export const cleanUpAfterKilledRuns = Effect.gen(function* () {
  const ended = yield* endOrphanedChildren
  if (ended > 0) yield* Effect.logWarning(`ended ${ended} program(s) still running for a killed run`)
  const removed = yield* removeStaleJails().pipe(Effect.catch((error) => Effect.as(Effect.logWarning(error.message), 0)))
  if (removed > 0) yield* Effect.logInfo(`removed ${removed} work folder(s) left by a killed run`)
})
