import { Clock, Context, Effect, Layer, Option, Schema } from "effect"
import { type Job, type JobEvent, type JobRequest, type JobState, mergeRequest, type RequestOutcome } from "../jobs/Job.ts"
import { healthySite, type SiteState } from "../jobs/siteBreaker.ts"
import { makeAccess, openDatabase, StoreError } from "./database.ts"
import { type MailReceipts, makeMailReceipts } from "./mailReceipts.ts"
import { type Controls, makeControls } from "./controls.ts"
import { makeJobEvents } from "./jobEvents.ts"
import { makeQueries, type Queries } from "./queries.ts"
import { makeWatchRecords, type WatchRecords } from "./watchRecords.ts"
import type { Story } from "./entities.ts"
import { decodeDueSites, decodeJobs, decodeSites, decodeStories, decodeTime, type DueSite, jobColumns, selectJobs, siteColumns, storyColumns, type StoryFacts } from "./rows.ts"

// Everything that must survive a crash: stories, jobs, history events, site breakers and mail
// receipts, in one SQLite file (WAL, so `status` can read while the daemon writes).

export { StoreError }

// How a run's end left its job and its site.
interface Finished {
  /** The job in its next state. */
  readonly job: Job
  /** The site's breaker before this run's verdict, */
  readonly siteBefore: SiteState
  /** and after it. */
  readonly siteAfter: SiteState
}

// Who holds a running job: the claiming process's instance id, or null where a version that
// recorded only a pid claimed it.
const decodeClaims = Schema.decodeUnknownSync(Schema.Array(Schema.Struct({ id: Schema.Int, owner: Schema.NullOr(Schema.String) })))

// Which jobs a runner may take: all of them, or only those it was asked to run (`once --url`).
export type JobScope = ReadonlyArray<number> | undefined

const scopeParam = (scope: JobScope) => (scope === undefined ? null : JSON.stringify(scope))

// A job is due when it is queued, or waiting and its time has come, its site is not paused, and
// it is in the runner's scope ($scope: null for every job, else a JSON array of job ids).
const dueJobs = `
  FROM jobs j LEFT JOIN sites s ON s.site = j.site
  WHERE (j.state = 'queued' OR (j.state = 'waiting' AND j.next_attempt_at <= $now))
    AND (s.open_until IS NULL OR s.open_until <= $now)
    AND ($scope IS NULL OR j.id IN (SELECT value FROM json_each($scope)))`

export class Store extends Context.Service<Store, {
  /** The SQLite file. */
  readonly file: string
  /** Queues a story, or merges the request into the job already open for it. */
  request(request: JobRequest): Effect.Effect<RequestOutcome, StoreError>
  /** Moves a job on by a runner's event; an event its state does not allow fails the call. */
  apply(jobId: number, event: JobEvent): Effect.Effect<Job, StoreError>
  /** Starts the site's next due job in scope, if another runner has not taken it already.
   * `owner` is the claiming process's instance id (process/ownership.ts). */
  claim(site: string, owner: string, scope?: JobScope): Effect.Effect<Option.Option<Job>, StoreError>
  /** Records how a run ended: the job's next state, what it learnt about the story and its site. */
  finish(jobId: number, event: JobEvent, story: StoryFacts, updateSite: (current: SiteState) => SiteState): Effect.Effect<Finished, StoreError>
  /** Jobs left running by an owner that no longer exists go back to the queue; returns how many. */
  recoverRunning(ownerAlive: (owner: string) => boolean): Effect.Effect<number, StoreError>
  /** The sites with jobs in scope that may start now. */
  dueSites(scope?: JobScope): Effect.Effect<ReadonlyArray<DueSite>, StoreError>
  /** The earliest moment after now at which a job in scope outside `busySites` becomes due. */
  nextDueAt(busySites: ReadonlyArray<string>, scope?: JobScope): Effect.Effect<Option.Option<number>, StoreError>
  /** A site's breaker; a site never in trouble is healthy. */
  site(site: string): Effect.Effect<SiteState, StoreError>
  /** Every site with a breaker record. */
  sites: Effect.Effect<ReadonlyArray<SiteState>, StoreError>
  /** Every story, by key. */
  stories: Effect.Effect<ReadonlyArray<Story>, StoreError>
  /** Every job in these states (all when none are given), oldest first. */
  jobs(states?: ReadonlyArray<JobState>): Effect.Effect<ReadonlyArray<Job>, StoreError>
  /** Changes whenever another connection commits: lets a daemon notice `add` from another process. */
  changeCounter: Effect.Effect<number, StoreError>
  /** A line of history that belongs to no job (a notification delivered or not, a link skipped). */
  recordEvent(kind: string, detail: string): Effect.Effect<void, StoreError>
} & MailReceipts & Queries & Controls & WatchRecords>()("automated-fanfic/store/Store") {
  static readonly layer = (file: string) => Layer.effect(
    Store,
    Effect.gen(function* () {
      const db = yield* openDatabase(file)
      const access = yield* makeAccess(db, file)
      const { statement, inTransaction, read, fail } = access
      const events = makeJobEvents(access)
      const { insertEvent } = events

      const siteNamed = (name: string) => decodeSites(statement(`SELECT ${siteColumns} FROM sites WHERE site = ?`).all(name))[0] ?? healthySite(name)

      // A runner's event that the job's state does not allow is a bug, so it fails the call.
      const step = (now: number, jobId: number, event: JobEvent) => {
        const result = events.applyEvent(now, jobId, event)
        switch (result._tag) {
          case "Missing":
            throw fail(`job ${jobId} does not exist`)
          case "NotAllowed":
            throw fail(result.message)
          case "Changed":
            return result.job
        }
      }

      const requestWithin = (now: number, incoming: JobRequest): RequestOutcome => {
        statement("INSERT INTO stories (key, url, site, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO NOTHING")
          .run(incoming.storyKey, incoming.url, incoming.site, now)
        const open = selectJobs(statement, "WHERE j.story_key = ? AND j.state IN ('queued', 'running', 'waiting')", incoming.storyKey)[0]
        const merged = mergeRequest(open, incoming)
        if (open !== undefined) {
          statement("UPDATE jobs SET force = ?, origins = ?, updated_at = ? WHERE id = ?")
            .run(merged.force ? 1 : 0, JSON.stringify(merged.origins), now, open.id)
          return { job: { ...merged, id: open.id }, merged: true }
        }
        const inserted = statement(
          "INSERT INTO jobs (story_key, url, site, state, attempts, force, origins, created_at, updated_at) VALUES (?, ?, ?, 'queued', 0, ?, ?, ?, ?)"
        ).run(incoming.storyKey, incoming.url, incoming.site, merged.force ? 1 : 0, JSON.stringify(merged.origins), now, now)
        const job = { ...merged, id: Number(inserted.lastInsertRowid) }
        insertEvent(now, { storyKey: job.storyKey, jobId: job.id, kind: "requested", detail: incoming.origin })
        return { job, merged: false }
      }

      const request = Effect.fn("Store.request")(function* (incoming: JobRequest) {
        const now = yield* Clock.currentTimeMillis
        return yield* inTransaction(() => requestWithin(now, incoming))
      })

      const apply = Effect.fn("Store.apply")(function* (jobId: number, event: JobEvent) {
        const now = yield* Clock.currentTimeMillis
        return yield* inTransaction(() => step(now, jobId, event))
      })

      const claim = Effect.fn("Store.claim")(function* (site: string, owner: string, scope?: JobScope) {
        const now = yield* Clock.currentTimeMillis
        return yield* inTransaction(() => {
          const next = decodeJobs(
            statement(`SELECT ${jobColumns} ${dueJobs} AND j.site = $site ORDER BY j.state = 'waiting', j.next_attempt_at, j.id LIMIT 1`).all({ now, site, scope: scopeParam(scope) })
          )[0]
          if (next === undefined) return Option.none<Job>()
          const started = step(now, next.id, { _tag: "Started" })
          statement("UPDATE jobs SET owner = ? WHERE id = ?").run(owner, next.id)
          return Option.some(started)
        })
      })

      const finish = Effect.fn("Store.finish")(function* (jobId: number, event: JobEvent, story: StoryFacts, updateSite: (current: SiteState) => SiteState) {
        const now = yield* Clock.currentTimeMillis
        return yield* inTransaction(() => {
          const job = step(now, jobId, event)
          statement("UPDATE jobs SET owner = NULL WHERE id = ?").run(jobId)
          statement(
            "UPDATE stories SET last_outcome = ?, title = COALESCE(?, title), chapters = COALESCE(?, chapters), book_id = COALESCE(?, book_id), updated_at = ? WHERE key = ?"
          ).run(story.outcome, story.title ?? null, story.chapters ?? null, story.bookId ?? null, now, job.storyKey)
          // Read and written in one transaction, so two runs on one site never lose a failure.
          const siteBefore = siteNamed(job.site)
          const site = updateSite(siteBefore)
          statement(
            `INSERT INTO sites (site, failures, opens, open_until, last_error, updated_at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT(site) DO UPDATE SET failures = excluded.failures, opens = excluded.opens, open_until = excluded.open_until,
               last_error = excluded.last_error, updated_at = excluded.updated_at`
          ).run(site.site, site.failures, site.opens, site.openUntil, site.lastError, now)
          return { job, siteBefore, siteAfter: site }
        })
      })

      // A job claimed by a version that recorded only a pid has no owner to ask: it is recovered.
      const recoverRunning = (ownerAlive: (owner: string) => boolean) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          inTransaction(() => {
            const orphans = decodeClaims(statement("SELECT id, owner FROM jobs WHERE state = 'running'").all())
              .filter((claimed) => claimed.owner === null || !ownerAlive(claimed.owner))
            for (const claimed of orphans) step(now, claimed.id, { _tag: "Recovered" })
            return orphans.length
          }))

      const dueSites = (scope?: JobScope) => Effect.flatMap(Clock.currentTimeMillis, (now) =>
        read(() => decodeDueSites(statement(`SELECT j.site AS site, COUNT(*) AS due ${dueJobs} GROUP BY j.site`).all({ now, scope: scopeParam(scope) }))))

      const nextDueAt = (busySites: ReadonlyArray<string>, scope?: JobScope) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          read(() => {
            const row = statement(
              `SELECT MIN(at) AS at FROM (
                 SELECT MAX(COALESCE(j.next_attempt_at, 0), COALESCE(s.open_until, 0)) AS at
                 FROM jobs j LEFT JOIN sites s ON s.site = j.site
                 WHERE j.state IN ('queued', 'waiting') AND j.site NOT IN (SELECT value FROM json_each(?))
                   AND (? IS NULL OR j.id IN (SELECT value FROM json_each(?)))
               ) WHERE at > ?`
            ).get(JSON.stringify(busySites), scopeParam(scope), scopeParam(scope), now)
            return Option.fromNullishOr(decodeTime(row).at)
          }))

      const sites = read(() => decodeSites(statement(`SELECT ${siteColumns} FROM sites ORDER BY site`).all()))
      const site = (name: string) => read(() => siteNamed(name))
      const stories = read(() => decodeStories(statement(`SELECT ${storyColumns} FROM stories ORDER BY key`).all()))

      const jobs = (states?: ReadonlyArray<JobState>) =>
        read(() =>
          states === undefined
            ? selectJobs(statement, "ORDER BY j.id")
            : selectJobs(statement, `WHERE j.state IN (${states.map(() => "?").join(", ")}) ORDER BY j.id`, ...states))

      const changeCounter = read(() => Number(statement("PRAGMA data_version").get()?.["data_version"] ?? 0))

      const recordEvent = (kind: string, detail: string) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          inTransaction(() => {
            insertEvent(now, { storyKey: null, jobId: null, kind, detail })
          }))

      return Store.of({
        file, request, apply, claim, finish, recoverRunning, dueSites, nextDueAt, site, sites, stories, jobs, changeCounter, recordEvent,
        ...makeMailReceipts(access, events, requestWithin),
        ...makeQueries(access),
        ...makeControls(access, events),
        ...makeWatchRecords(access, events)
      })
    })
  )
}
