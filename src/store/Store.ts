import { Clock, Context, Effect, Layer, Result, Schema, Semaphore } from "effect"
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import { DatabaseSync, type SQLInputValue } from "node:sqlite"
import { type Job, type JobEvent, type JobRequest, JobState, mergeRequest, transition } from "../jobs/Job.ts"
import { migrations } from "./migrations.ts"

// Everything that must survive a crash: stories, jobs, history events, mail receipts, in one
// SQLite file (WAL, so `status` can read while the daemon writes).

export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  file: Schema.String,
  message: Schema.String
}) {}

const JobRow = Schema.Struct({
  id: Schema.Int,
  story_key: Schema.String,
  url: Schema.String,
  state: JobState,
  attempts: Schema.Int,
  force: Schema.Int,
  origins: Schema.String,
  next_attempt_at: Schema.NullOr(Schema.Number),
  last_error: Schema.NullOr(Schema.String)
})
const decodeJobRows = Schema.decodeUnknownSync(Schema.Array(JobRow))
const decodeOrigins = Schema.decodeUnknownSync(Schema.fromJsonString(Schema.Array(Schema.String)))

const toJob = (row: typeof JobRow.Type): Job => ({
  id: row.id,
  storyKey: row.story_key,
  url: row.url,
  state: row.state,
  attempts: row.attempts,
  force: row.force !== 0,
  origins: decodeOrigins(row.origins),
  nextAttemptAt: row.next_attempt_at,
  lastError: row.last_error
})

export interface RequestOutcome {
  readonly job: Job
  readonly merged: boolean
}

const migrate = (db: DatabaseSync, file: string): void => {
  const row = db.prepare("PRAGMA user_version").get()
  const version = typeof row?.["user_version"] === "number" ? row["user_version"] : 0
  if (version > migrations.length) {
    throw new StoreError({
      file,
      message: `the database has schema version ${version}, newer than this program knows (${migrations.length}); run a newer automated-fanfic or restore a backup`
    })
  }
  migrations.slice(version).forEach((sql, index) => {
    db.exec("BEGIN IMMEDIATE")
    try {
      db.exec(sql)
      db.exec(`PRAGMA user_version = ${version + index + 1}`)
      db.exec("COMMIT")
    } catch (error) {
      db.exec("ROLLBACK")
      throw error
    }
  })
}

const open = (file: string) =>
  Effect.try({
    try: () => {
      mkdirSync(dirname(file), { recursive: true })
      const db = new DatabaseSync(file)
      db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON")
      migrate(db, file)
      return db
    },
    catch: (error) => (error instanceof StoreError ? error : new StoreError({ file, message: `cannot open the job store: ${String(error)}` }))
  })

export class Store extends Context.Service<Store, {
  readonly file: string
  request(request: JobRequest): Effect.Effect<RequestOutcome, StoreError>
  apply(jobId: number, event: JobEvent): Effect.Effect<Job, StoreError>
  recoverRunning: Effect.Effect<number, StoreError>
  jobs(states?: ReadonlyArray<JobState>): Effect.Effect<ReadonlyArray<Job>, StoreError>
}>()("automated-fanfic/store/Store") {
  static readonly layer = (file: string) => Layer.effect(
    Store,
    Effect.gen(function* () {
      const db = yield* Effect.acquireRelease(open(file), (db) => Effect.sync(() => db.close()))
      // node:sqlite is synchronous; one transaction at a time keeps BEGIN/COMMIT pairs apart.
      const oneAtATime = yield* Semaphore.make(1)
      const fail = (message: string) => new StoreError({ file, message })

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
          catch: (error) => (error instanceof StoreError ? error : fail(String(error)))
        }).pipe(oneAtATime.withPermits(1))

      const select = (sql: string, ...params: Array<SQLInputValue>) => decodeJobRows(db.prepare(sql).all(...params)).map(toJob)

      const request = Effect.fn("Store.request")(function* (incoming: JobRequest) {
        const now = yield* Clock.currentTimeMillis
        return yield* inTransaction(() => {
          db.prepare("INSERT INTO stories (key, url, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO NOTHING").run(incoming.storyKey, incoming.url, now)
          const open = select("SELECT * FROM jobs WHERE story_key = ? AND state IN ('queued', 'running', 'waiting')", incoming.storyKey)[0]
          const merged = mergeRequest(open, incoming)
          if (open !== undefined) {
            db.prepare("UPDATE jobs SET force = ?, origins = ?, updated_at = ? WHERE id = ?")
              .run(merged.force ? 1 : 0, JSON.stringify(merged.origins), now, open.id)
            return { job: { ...merged, id: open.id }, merged: true }
          }
          const inserted = db.prepare(
            "INSERT INTO jobs (story_key, url, state, attempts, force, origins, created_at, updated_at) VALUES (?, ?, 'queued', 0, ?, ?, ?, ?)"
          ).run(incoming.storyKey, incoming.url, merged.force ? 1 : 0, JSON.stringify(merged.origins), now, now)
          db.prepare("INSERT INTO events (at, story_key, job_id, kind, detail) VALUES (?, ?, ?, 'requested', ?)")
            .run(now, incoming.storyKey, Number(inserted.lastInsertRowid), incoming.origin)
          return { job: { ...merged, id: Number(inserted.lastInsertRowid) }, merged: false }
        })
      })

      const apply = Effect.fn("Store.apply")(function* (jobId: number, event: JobEvent) {
        const now = yield* Clock.currentTimeMillis
        return yield* inTransaction(() => {
          const current = select("SELECT * FROM jobs WHERE id = ?", jobId)[0]
          if (current === undefined) throw fail(`job ${jobId} does not exist`)
          const next = transition(current, event)
          if (Result.isFailure(next)) throw fail(next.failure.message)
          const job = next.success
          db.prepare("UPDATE jobs SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?")
            .run(job.state, job.attempts, job.nextAttemptAt, job.lastError, now, jobId)
          db.prepare("INSERT INTO events (at, story_key, job_id, kind, detail) VALUES (?, ?, ?, ?, ?)")
            .run(now, job.storyKey, jobId, event._tag, job.lastError ?? "")
          return job
        })
      })

      const recoverRunning = inTransaction(() => Number(db.prepare("UPDATE jobs SET state = 'queued' WHERE state = 'running'").run().changes))

      const jobs = (states?: ReadonlyArray<JobState>) =>
        Effect.try({
          try: () =>
            states === undefined
              ? select("SELECT * FROM jobs ORDER BY id")
              : select(`SELECT * FROM jobs WHERE state IN (${states.map(() => "?").join(", ")}) ORDER BY id`, ...states),
          catch: (error) => fail(String(error))
        })

      return Store.of({ file, request, apply, recoverRunning, jobs })
    })
  )
}
