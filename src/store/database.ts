import { Effect, Schema, Semaphore } from "effect"
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import { DatabaseSync, type StatementSync } from "node:sqlite"
import { migrations } from "./migrations.ts"

// The SQLite file under the Store: opening and migrating it, and the few ways the Store's
// operations touch it (cached statements, one transaction at a time).

export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  file: Schema.String,
  message: Schema.String
}) {}

const schemaVersion = (db: DatabaseSync) => {
  const row = db.prepare("PRAGMA user_version").get()
  return typeof row?.["user_version"] === "number" ? row["user_version"] : 0
}

// In one write transaction, reading the version inside it: two processes opening a new or old
// file at once (the daemon starting while `add` runs) migrate it once, the second waiting.
const migrate = (db: DatabaseSync, file: string): void => {
  db.exec("BEGIN IMMEDIATE")
  try {
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
    db.exec("COMMIT")
  } catch (error) {
    db.exec("ROLLBACK")
    throw error
  }
}

const open = (file: string) =>
  Effect.try({
    try: () => {
      mkdirSync(dirname(file), { recursive: true })
      // The busy timeout first: switching a new file to WAL already needs a lock another process may hold.
      const db = new DatabaseSync(file, { timeout: 5000 })
      // synchronous=NORMAL in WAL mode: a killed process loses nothing committed; only a power cut may lose the last few commits.
      db.exec("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON")
      migrate(db, file)
      return db
    },
    catch: (error) => (error instanceof StoreError ? error : new StoreError({ file, message: `cannot open the job store: ${String(error)}` }))
  })

export const openDatabase = (file: string) =>
  Effect.acquireRelease(open(file), (db) => Effect.sync(() => db.close()))

export interface Access {
  readonly statement: (sql: string) => StatementSync
  readonly inTransaction: <A>(work: () => A) => Effect.Effect<A, StoreError>
  readonly read: <A>(work: () => A) => Effect.Effect<A, StoreError>
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
  const asStoreError = (error: unknown) => (error instanceof StoreError ? error : fail(String(error)))

  const inTransaction = <A>(work: () => A) =>
    Effect.try({
      try: () => {
        db.exec("BEGIN IMMEDIATE")
        try {
          const result = work()
          db.exec("COMMIT")
          return result
        } catch (error) {
          db.exec("ROLLBACK")
          throw error
        }
      },
      catch: asStoreError
    }).pipe(oneAtATime.withPermits(1))

  const read = <A>(work: () => A) => Effect.try({ try: work, catch: asStoreError })
  const access: Access = { statement, inTransaction, read, fail }
  return access
})
