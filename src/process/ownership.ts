import { Effect, Schema } from "effect"
import { randomBytes } from "node:crypto"
import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { DatabaseSync } from "node:sqlite"

// Ownership that the kernel ends (ARCHITECTURE 4b). A process owns its running jobs, work folders
// and secret files through an advisory lock on a file named after a random instance id, held for
// the process's whole life. The kernel drops the lock the moment the process dies, whatever pid
// the next process gets (pid 1 in every container start), in every pid namespace, and a zombie
// holds none; a pid is never the proof. Node has no lock call of its own, so the lock is
// SQLite's (a POSIX fcntl lock, which the job store relies on anyway).

// This process, for as long as it lives.
export const thisInstance = randomBytes(8).toString("hex")

export const ownerLockFile = (directory: string, prefix: string, instance: string) => join(directory, `${prefix}${instance}.lock`)

// Its lock among the temporary folders it makes (work folders, the Calibre password file).
export const tempOwnerPrefix = "automated-fanfic-owner-"
export const tempOwnerLock = ownerLockFile(tmpdir(), tempOwnerPrefix, thisInstance)

// Locked under a staging name first and renamed into place, so nobody ever sees the lock file
// unlocked while its owner lives. The journal stays in memory: a killed owner leaves no file but
// the lock file itself. Held until the process exits (ownership is the process's, however many
// services share it); a clean exit removes the file, a killed one leaves it to the next cleanup.
const held = new Map<string, DatabaseSync>()

export const holdOwnerLock = (file: string) =>
  Effect.try({
    try: () => {
      if (held.has(file)) return
      mkdirSync(dirname(file), { recursive: true })
      const staging = `${file}.${randomBytes(4).toString("hex")}.staging`
      const db = new DatabaseSync(staging, { timeout: 0 })
      db.exec("PRAGMA journal_mode = MEMORY; PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE")
      renameSync(staging, file)
      if (held.size === 0) process.once("exit", releaseAll)
      held.set(file, db)
    },
    catch: (error) => new OwnershipError({ file, reason: String(error) })
  })

const releaseAll = () => {
  for (const [file, db] of held) {
    rmSync(file, { force: true })
    db.close()
  }
  held.clear()
}

export class OwnershipError extends Schema.TaggedError<OwnershipError>()("OwnershipError", {
  file: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `cannot create the lock file ${this.file} that marks this process's jobs and work folders as its own (${this.reason}); make its folder writable`
  }
}

type LockState = "held" | "free" | "missing"

// Whether a live process holds the lock. Opened read-only, so a missing file is not created.
export const lockState = (file: string): LockState => {
  let db: DatabaseSync
  try {
    db = new DatabaseSync(file, { readOnly: true, timeout: 0 })
  } catch {
    return "missing"
  }
  try {
    db.prepare("PRAGMA schema_version").get()
    return "free"
  } catch {
    return "held"
  } finally {
    db.close()
  }
}

export const isOwnerAlive = (directory: string, prefix: string) => (instance: string) =>
  instance === thisInstance || lockState(ownerLockFile(directory, prefix, instance)) === "held"

// Lock files of owners that are gone. A lock file appears only once locked (see above), so one
// found free is dead for good.
export const removeDeadOwnerLocks = (directory: string, prefix: string): void => {
  let names: ReadonlyArray<string>
  try {
    names = readdirSync(directory)
  } catch {
    return
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".lock")) continue
    const file = join(directory, name)
    if (lockState(file) === "free") rmSync(file, { force: true })
  }
}
