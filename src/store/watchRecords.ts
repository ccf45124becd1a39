import { Clock, Effect, Schema, Struct } from "effect"
import type { Access, StoreError } from "./database.ts"
import { Story } from "./entities.ts"
import type { JobEvents } from "./jobEvents.ts"
import { storyColumns } from "./rows.ts"

// What the watch sources keep in the Store: the stories read in from Calibre, what each
// story's site said when last asked, whether a story is followed, and each source's last run.

export const WatchState = Schema.Literals(["follow", "paused", "ignored", "gone"])
export type WatchState = typeof WatchState.Type

// A book found in Calibre that the store does not know yet.
export interface ImportedStory {
  /** The story's key in the store (storyKeyOf). */
  readonly key: string
  /** The story's canonical link. */
  readonly url: string
  /** The site id, e.g. "fanfiction". */
  readonly site: string
  /** The Calibre book id it was found as. */
  readonly bookId: number
  /** The book's title in Calibre. */
  readonly title: string
  /** The book's authors, as Calibre lists them. */
  readonly author: string
  /** Chapters counted in the book's EPUB; null when it has none or it could not be counted. */
  readonly chapters: number | null
  /** In-Progress or Completed, from the book's tags; null when no tag says. */
  readonly status: string | null
  /** The last update as YYYY-MM-DD, from the book's "Last Update:" tag; null when it has none. */
  readonly dateUpdated: string | null
}

// What a site said about a story: from a metadata-only check or a full run.
interface SiteFacts {
  /** The site's chapter count; undefined keeps the stored one. */
  readonly chapters?: number | undefined
  /** The site's status (e.g. In-Progress); undefined keeps the stored one. */
  readonly status?: string | undefined
  /** The site's last update date, as FanFicFare prints it; undefined keeps the stored one. */
  readonly dateUpdated?: string | undefined
  /** The author as the site names them; undefined keeps the stored one. */
  readonly author?: string | undefined
}

// A story as the watch sources see it: the Story, and what its site said when last asked, whether
// it is followed, and its jobs.
const WatchedStory = Story.mapFields(Struct.assign({
  /** In-Progress or Completed, as the site or the book's tags last said; null when none said. */
  status: Schema.NullOr(Schema.String),
  /** The site's last update date, as FanFicFare prints it; null when not known. */
  dateUpdated: Schema.NullOr(Schema.String),
  /** Whether the sweep follows it, a person paused or ignored it, or the site lost it. */
  watch: WatchState,
  /** Its own update_method; null for [calibre] update_method. */
  updateMethod: Schema.NullOr(Schema.String),
  /** When a site was last asked about it (epoch ms); null when never. */
  checkedAt: Schema.NullOr(Schema.Number),
  /** When a job for it last ended (epoch ms); null when none has. */
  lastRunAt: Schema.NullOr(Schema.Number),
  /** How many of its jobs are open now (queued, running or waiting). */
  openJob: Schema.Int
}))
export type WatchedStory = typeof WatchedStory.Type
const decodeWatched = Schema.decodeUnknownSync(Schema.Array(WatchedStory))

const watchedSelect = `
  SELECT ${storyColumns}, status, date_updated AS dateUpdated, watch, update_method AS updateMethod, checked_at AS checkedAt,
    (SELECT MAX(j.updated_at) FROM jobs j WHERE j.story_key = s.key AND j.state IN ('done', 'failed', 'skipped')) AS lastRunAt,
    (SELECT COUNT(*) FROM jobs j WHERE j.story_key = s.key AND j.state IN ('queued', 'running', 'waiting')) AS openJob
  FROM stories s`

const SourceState = Schema.Struct({
  /** The watch source's name (WatchSource.name), e.g. "import" or "feed:URL". */
  source: Schema.String,
  /** When it last ran (epoch ms); null when never. */
  lastRunAt: Schema.NullOr(Schema.Number),
  /** When it is due again (epoch ms); null: only when asked. */
  nextRunAt: Schema.NullOr(Schema.Number),
  /** How many stories its last run found. */
  found: Schema.Int,
  /** Why its last run failed; null when it succeeded. */
  error: Schema.NullOr(Schema.String),
  /** A feed's ETag, for the next conditional request. */
  etag: Schema.NullOr(Schema.String),
  /** A feed's Last-Modified, for the same. */
  lastModified: Schema.NullOr(Schema.String)
})
export type SourceState = typeof SourceState.Type
const decodeSources = Schema.decodeUnknownSync(Schema.Array(SourceState))

const sourceColumns = "source, last_run_at AS lastRunAt, next_run_at AS nextRunAt, found, error, etag, last_modified AS lastModified"

interface SourceRun {
  /** How many stories the run found. */
  readonly found: number
  /** Why the run failed, or null when it succeeded. */
  readonly error: string | null
  /** When the source is due again (epoch ms), or null: only when asked. */
  readonly nextRunAt: number | null
  /** A feed's validators for the next conditional request; undefined keeps the stored one. */
  readonly etag?: string | undefined
  /** The feed's Last-Modified, for the same; undefined keeps the stored one. */
  readonly lastModified?: string | undefined
}

export interface WatchRecords {
  /** Adds the books the store does not know; returns how many were new. */
  importStories(stories: ReadonlyArray<ImportedStory>): Effect.Effect<number, StoreError>
  /** Every story in the store with its watch state, last check and last run, by key. */
  readonly watchedStories: Effect.Effect<ReadonlyArray<WatchedStory>, StoreError>
  /** One story as watchedStories has it, or undefined when the store has no such key. */
  watchedStory(key: string): Effect.Effect<WatchedStory | undefined, StoreError>
  /** A site was asked about a story: keep what it said, and (with a job) a line of history. */
  recordCheck(key: string, jobId: number | null, facts: SiteFacts, detail: string): Effect.Effect<void, StoreError>
  /** Follows, pauses or ignores the story, with a line of history giving the reason; false when no such story. */
  setWatch(key: string, watch: WatchState, reason: string): Effect.Effect<boolean, StoreError>
  /** Sets the story's own update_method (null: the configured one); false when no such story. */
  setUpdateMethod(key: string, method: string | null): Effect.Effect<boolean, StoreError>
  /** Each watch source's last run, next run, count found and error, by name. */
  readonly sources: Effect.Effect<ReadonlyArray<SourceState>, StoreError>
  /** Records a source's run as of now, with a line of history; feed validators not given are kept. */
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
    sources: read(() => decodeSources(statement(`SELECT ${sourceColumns} FROM watch_sources ORDER BY source`).all())),
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
