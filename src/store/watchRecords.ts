import { Clock, Effect, Schema } from "effect"
import type { Access, StoreError } from "./database.ts"
import type { JobEvents } from "./jobEvents.ts"

// What the watch sources keep in the Store: the stories read in from Calibre, what each
// story's site said when last asked, whether a story is followed, and each source's last run.

export const WatchState = Schema.Literals(["follow", "paused", "ignored", "gone"])
export type WatchState = typeof WatchState.Type

// A book found in Calibre that the store does not know yet.
export interface ImportedStory {
  readonly key: string
  readonly url: string
  readonly site: string
  readonly bookId: number
  readonly title: string
  readonly author: string
  readonly chapters: number | null
  readonly status: string | null
  readonly dateUpdated: string | null
}

// What a site said about a story: from a metadata-only check or a full run.
interface SiteFacts {
  readonly chapters?: number | undefined
  readonly status?: string | undefined
  readonly dateUpdated?: string | undefined
  readonly author?: string | undefined
}

const WatchedStoryRow = Schema.Struct({
  key: Schema.String,
  url: Schema.String,
  site: Schema.String,
  title: Schema.NullOr(Schema.String),
  chapters: Schema.NullOr(Schema.Int),
  status: Schema.NullOr(Schema.String),
  date_updated: Schema.NullOr(Schema.String),
  watch: WatchState,
  update_method: Schema.NullOr(Schema.String),
  checked_at: Schema.NullOr(Schema.Number),
  // When the row last changed (for an imported story, when it was imported).
  updated_at: Schema.Number,
  // When a job for it last ended, and whether one is open now.
  last_run_at: Schema.NullOr(Schema.Number),
  open_job: Schema.Int
})
export type WatchedStory = typeof WatchedStoryRow.Type
const decodeWatched = Schema.decodeUnknownSync(Schema.Array(WatchedStoryRow))

const SourceRow = Schema.Struct({
  source: Schema.String,
  last_run_at: Schema.NullOr(Schema.Number),
  next_run_at: Schema.NullOr(Schema.Number),
  found: Schema.Int,
  error: Schema.NullOr(Schema.String),
  etag: Schema.NullOr(Schema.String),
  last_modified: Schema.NullOr(Schema.String)
})
export type SourceState = typeof SourceRow.Type
const decodeSources = Schema.decodeUnknownSync(Schema.Array(SourceRow))

interface SourceRun {
  readonly found: number
  readonly error: string | null
  readonly nextRunAt: number | null
  // A feed's validators for the next conditional request.
  readonly etag?: string | undefined
  readonly lastModified?: string | undefined
}

const watchedSelect = `
  SELECT s.key, s.url, s.site, s.title, s.chapters, s.status, s.date_updated, s.watch, s.update_method, s.checked_at, s.updated_at,
    (SELECT MAX(j.updated_at) FROM jobs j WHERE j.story_key = s.key AND j.state IN ('done', 'failed', 'skipped')) AS last_run_at,
    (SELECT COUNT(*) FROM jobs j WHERE j.story_key = s.key AND j.state IN ('queued', 'running', 'waiting')) AS open_job
  FROM stories s`

export interface WatchRecords {
  // Adds the books the store does not know; returns how many were new.
  importStories(stories: ReadonlyArray<ImportedStory>): Effect.Effect<number, StoreError>
  readonly watchedStories: Effect.Effect<ReadonlyArray<WatchedStory>, StoreError>
  watchedStory(key: string): Effect.Effect<WatchedStory | undefined, StoreError>
  // A site was asked about a story: keep what it said, and (with a job) a line of history.
  recordCheck(key: string, jobId: number | null, facts: SiteFacts, detail: string): Effect.Effect<void, StoreError>
  setWatch(key: string, watch: WatchState, reason: string): Effect.Effect<boolean, StoreError>
  setUpdateMethod(key: string, method: string | null): Effect.Effect<boolean, StoreError>
  readonly sources: Effect.Effect<ReadonlyArray<SourceState>, StoreError>
  recordSourceRun(source: string, run: SourceRun): Effect.Effect<void, StoreError>
}

export const makeWatchRecords = (access: Access, events: JobEvents): WatchRecords => {
  const { statement, inTransaction, read } = access
  const event = (now: number, storyKey: string | null, jobId: number | null, kind: string, detail: string) =>
    events.insertEvent(now, { storyKey, jobId, kind, detail })
  const withNow = <A>(work: (now: number) => A) => Effect.flatMap(Clock.currentTimeMillis, (now) => inTransaction(() => work(now)))

  return {
    importStories: (stories) =>
      withNow((now) => {
        let added = 0
        for (const story of stories) {
          const inserted = statement(
            `INSERT INTO stories (key, url, site, book_id, title, author, chapters, status, date_updated, last_outcome, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'imported', ?) ON CONFLICT(key) DO NOTHING`
          ).run(story.key, story.url, story.site, story.bookId, story.title, story.author, story.chapters, story.status, story.dateUpdated, now)
          if (inserted.changes === 0) continue
          added++
          event(now, story.key, null, "imported", `from Calibre book ${story.bookId}${story.chapters === null ? "" : `, ${story.chapters} chapters`}`)
        }
        return added
      }),
    watchedStories: read(() => decodeWatched(statement(`${watchedSelect} ORDER BY s.key`).all())),
    watchedStory: (key) => read(() => decodeWatched(statement(`${watchedSelect} WHERE s.key = ?`).all(key))[0]),
    recordCheck: (key, jobId, facts, detail) =>
      withNow((now) => {
        statement(
          `UPDATE stories SET checked_at = ?, chapters = COALESCE(?, chapters), status = COALESCE(?, status),
             date_updated = COALESCE(?, date_updated), author = COALESCE(?, author) WHERE key = ?`
        ).run(now, facts.chapters ?? null, facts.status ?? null, facts.dateUpdated ?? null, facts.author ?? null, key)
        if (detail !== "") event(now, key, jobId, "checked", detail)
      }),
    setWatch: (key, watch, reason) =>
      withNow((now) => {
        const changed = statement("UPDATE stories SET watch = ? WHERE key = ?").run(watch, key).changes > 0
        if (changed) event(now, key, null, `watch-${watch}`, reason)
        return changed
      }),
    setUpdateMethod: (key, method) =>
      withNow((now) => {
        const changed = statement("UPDATE stories SET update_method = ? WHERE key = ?").run(method, key).changes > 0
        if (changed) event(now, key, null, "update-method", method ?? "the configured one")
        return changed
      }),
    sources: read(() => decodeSources(statement("SELECT source, last_run_at, next_run_at, found, error, etag, last_modified FROM watch_sources ORDER BY source").all())),
    recordSourceRun: (source, run) =>
      withNow((now) => {
        statement(
          `INSERT INTO watch_sources (source, last_run_at, next_run_at, found, error, etag, last_modified, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(source) DO UPDATE SET last_run_at = excluded.last_run_at, next_run_at = excluded.next_run_at, found = excluded.found,
             error = excluded.error, etag = COALESCE(excluded.etag, etag), last_modified = COALESCE(excluded.last_modified, last_modified),
             updated_at = excluded.updated_at`
        ).run(source, now, run.nextRunAt, run.found, run.error, run.etag ?? null, run.lastModified ?? null, now)
        event(now, null, null, run.error === null ? "source-ran" : "source-failed", `${source}: ${run.error ?? `${run.found} found`}`)
      })
  }
}
