import { Effect, Schema, Semaphore } from "effect"
import { existsSync, linkSync, mkdirSync, rmSync, statSync } from "node:fs"
import { dirname } from "node:path"
import { DatabaseSync, type StatementSync } from "node:sqlite"
import { migrations } from "./migrations.ts"

// The SQLite file under the Store: opening and migrating it, and the few ways the Store's
// operations touch it (cached statements, one transaction at a time).

// SQLite's own words for a full or failing disk say nothing about what to do.
const explained = (file: string, message: string): string => {
  if (/disk I\/O error|database or disk is full|SQLITE_FULL|SQLITE_IOERR/i.test(message)) {
    return `cannot write the job store (${message.replace(/^Error: /, "")}): the disk holding ${dirname(file)} is full or failing; free some space there (or move [data] dir) and start again`
  }
  if (/readonly database|read-only file system|attempt to write a readonly/i.test(message)) {
    return `cannot write the job store (${message.replace(/^Error: /, "")}): ${dirname(file)} is read-only; make it writable (in a container, mount the data volume without :ro)`
  }
  return message
}

export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  file: Schema.String,
  message: Schema.String
}) {}

const schemaVersion = (db: DatabaseSync) => {
  const row = db.prepare("PRAGMA user_version").get()
  return typeof row?.["user_version"] === "number" ? row["user_version"] : 0
}

// The one place a write transaction begins and ends: IMMEDIATE takes the write lock at once, so
// a read followed by a write inside it never fails midway on another process's lock.
const transaction = <A>(db: DatabaseSync, work: () => A): A => {
  db.exec("BEGIN IMMEDIATE")
  try {
    const result = work()
    db.exec("COMMIT")
    return result
  } catch (error) {
    db.exec("ROLLBACK")
    throw error
  }
}

// In one write transaction, reading the version inside it: two processes opening a new or old
// file at once (the daemon starting while `add` runs) migrate it once, the second waiting.
const migrate = (db: DatabaseSync, file: string): void =>
  transaction(db, () => {
    const version = schemaVersion(db)
    if (version > migrations.length) {
      throw new StoreError({
        file,
        message: `the database has schema version ${version}, newer than this program knows (${migrations.length}); run a newer automated-fanfic or restore a backup`
      })
    }
    migrations.slice(version).forEach((migration) => {
      if (typeof migration === "string") db.exec(migration)
      else migration(db)
    })
    if (version < migrations.length) db.exec(`PRAGMA user_version = ${migrations.length}`)
  })

const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : undefined)

// SQLite takes a 0-byte file for a new database, but this program never leaves one: it creates
// the file whole (createWhole). An empty store that exists is one whose contents were lost
// (truncated by a copy, a full disk, a crashed editor); taken as new, every queued job would
// vanish without a word. Unless its write-ahead log holds the data, it is refused like a
// garbled one.
const refuseEmpty = (file: string) => {
  if (sizeOf(file) !== 0 || (sizeOf(`${file}-wal`) ?? 0) > 0) return
  throw new StoreError({
    file,
    message: "the job store is empty (0 bytes), so its jobs and history are lost; restore it from a backup, or delete the file to start afresh with no jobs"
  })
}

// A new store appears whole: made under another name and linked into place, which fails harmlessly
// when another process got there first. SQLite alone would leave a 0-byte file until its first
// write, which a process opening the folder at that moment would take for a lost store.
const createWhole = (file: string) => {
  if (existsSync(file)) return
  mkdirSync(dirname(file), { recursive: true })
  const draft = `${file}.new-${process.pid}-${Date.now()}`
  try {
    const db = new DatabaseSync(draft)
    db.exec("CREATE TABLE store_created (at INTEGER); DROP TABLE store_created")
    db.close()
    linkSync(draft, file)
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error
  } finally {
    rmSync(draft, { force: true })
  }
}

const open = (file: string) =>
  Effect.try({
    try: () => {
      refuseEmpty(file)
      createWhole(file)
      // The busy timeout first: switching a new file to WAL already needs a lock another process may hold.
      const db = new DatabaseSync(file, { timeout: 5000 })
      // synchronous=NORMAL in WAL mode: a killed process loses nothing committed; only a power cut may lose the last few commits.
      db.exec("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON")
      migrate(db, file)
      return db
    },
    catch: (error) => (error instanceof StoreError ? error : new StoreError({ file, message: explained(file, `cannot open the job store: ${String(error)}`) }))
  })

export const openDatabase = (file: string) =>
  Effect.acquireRelease(open(file), (db) => Effect.sync(() => db.close()))

export interface Access {
  /** The statement for this SQL, prepared once. */
  readonly statement: (sql: string) => StatementSync
  /** Runs `work` in one write transaction, one at a time; a throw rolls it back. */
  readonly inTransaction: <A>(work: () => A) => Effect.Effect<A, StoreError>
  /** Runs `work` outside a transaction, for reads. */
  readonly read: <A>(work: () => A) => Effect.Effect<A, StoreError>
  /** A StoreError about this file, for `work` to throw. */
  readonly fail: (message: string) => StoreError
}

export const makeAccess = Effect.fnUntraced(function* (db: DatabaseSync, file: string) {
  // node:sqlite is synchronous; one transaction at a time keeps BEGIN/COMMIT pairs apart.
  const oneAtATime = yield* Semaphore.make(1)
  // Parsing SQL costs more than running these small statements, so each is prepared once.
  const prepared = new Map<string, StatementSync>()
  const statement = (sql: string) => {
    const cached = prepared.get(sql)
    if (cached !== undefined) return cached
    const created = db.prepare(sql)
    prepared.set(sql, created)
    return created
  }
  const fail = (message: string) => new StoreError({ file, message })
  const asStoreError = (error: unknown) => (error instanceof StoreError ? error : fail(explained(file, String(error))))

  const inTransaction = <A>(work: () => A) =>
    Effect.try({ try: () => transaction(db, work), catch: asStoreError }).pipe(oneAtATime.withPermits(1))

  const read = <A>(work: () => A) => Effect.try({ try: work, catch: asStoreError })
  const access: Access = { statement, inTransaction, read, fail }
  return access
})
