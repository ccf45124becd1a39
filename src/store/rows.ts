import { Schema } from "effect"
import { type Job, JobState } from "../jobs/Job.ts"
import type { SiteState } from "../jobs/siteBreaker.ts"

// The Store's rows as SQLite returns them, checked before they become domain values: a file
// edited by hand or written by another version must fail loudly, not half-work.

const JobRow = Schema.Struct({
  id: Schema.Int,
  story_key: Schema.String,
  url: Schema.String,
  site: Schema.String,
  state: JobState,
  attempts: Schema.Int,
  interruptions: Schema.Int,
  force: Schema.Int,
  origins: Schema.String,
  next_attempt_at: Schema.NullOr(Schema.Number),
  last_error: Schema.NullOr(Schema.String)
})
const decodeOrigins = Schema.decodeUnknownSync(Schema.fromJsonString(Schema.Array(Schema.String)))

const decodeJobRows = Schema.decodeUnknownSync(Schema.Array(JobRow))

export const decodeJobs = (rows: unknown): ReadonlyArray<Job> =>
  decodeJobRows(rows).map((row) => ({
    id: row.id,
    storyKey: row.story_key,
    url: row.url,
    site: row.site,
    state: row.state,
    attempts: row.attempts,
    interruptions: row.interruptions,
    force: row.force !== 0,
    origins: decodeOrigins(row.origins),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error
  }))

const SiteRow = Schema.Struct({
  site: Schema.String,
  failures: Schema.Int,
  opens: Schema.Int,
  open_until: Schema.NullOr(Schema.Number),
  last_error: Schema.NullOr(Schema.String)
})

const decodeSiteRows = Schema.decodeUnknownSync(Schema.Array(SiteRow))

export const decodeSites = (rows: unknown): ReadonlyArray<SiteState> =>
  decodeSiteRows(rows).map((row) => ({
    site: row.site,
    failures: row.failures,
    opens: row.opens,
    openUntil: row.open_until,
    lastError: row.last_error
  }))

export const StoryRow = Schema.Struct({
  key: Schema.String,
  url: Schema.String,
  site: Schema.String,
  book_id: Schema.NullOr(Schema.Int),
  title: Schema.NullOr(Schema.String),
  chapters: Schema.NullOr(Schema.Int),
  last_outcome: Schema.NullOr(Schema.String),
  updated_at: Schema.Number
})
export type StoryRow = typeof StoryRow.Type
export const decodeStories = Schema.decodeUnknownSync(Schema.Array(StoryRow))

const DueSiteRow = Schema.Struct({ site: Schema.String, due: Schema.Int })
export const decodeDueSites = Schema.decodeUnknownSync(Schema.Array(DueSiteRow))

const TimeRow = Schema.Struct({ at: Schema.NullOr(Schema.Number) })
export const decodeTime = Schema.decodeUnknownSync(TimeRow)

// What a finished run taught us about its story, kept on the story's row.
export interface StoryFacts {
  readonly outcome: string
  readonly title?: string | undefined
  readonly chapters?: number | undefined
  readonly bookId?: number | undefined
}
