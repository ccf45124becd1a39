import { Schema, Struct } from "effect"
import type { SQLInputValue, StatementSync } from "node:sqlite"
import { Job } from "../jobs/Job.ts"
import { SiteState } from "../jobs/siteBreaker.ts"
import { Story } from "./entities.ts"

// Each entity the Store keeps, as one schema, and the columns that select it: the SQL names
// each column as the schema does, so a row decodes straight into the entity. Rows are checked,
// not trusted: a file edited by hand or written by another version must fail loudly, not
// half-work.

// SQLite has no booleans or arrays: force is 0 or 1, origins a JSON array.
export const JobFromRow = Job.mapFields(Struct.assign({
  force: Schema.BooleanFromBit,
  origins: Schema.fromJsonString(Job.fields.origins)
}))

// From `jobs j`: qualified, so that a query may join the job's story or site.
export const jobColumns =
  "j.id, j.story_key AS storyKey, j.url, j.site, j.state, j.attempts, j.interruptions, j.force, j.origins, " +
  "j.next_attempt_at AS nextAttemptAt, j.last_error AS lastError"

export const decodeJobs = Schema.decodeUnknownSync(Schema.Array(JobFromRow))

// Jobs from `jobs j`; `rest` is the query after the FROM (WHERE, ORDER BY).
export const selectJobs = (statement: (sql: string) => StatementSync, rest: string, ...params: Array<SQLInputValue>) =>
  decodeJobs(statement(`SELECT ${jobColumns} FROM jobs j ${rest}`).all(...params))

export const siteColumns = "site, failures, opens, open_until AS openUntil, last_error AS lastError"

export const decodeSites = Schema.decodeUnknownSync(Schema.Array(SiteState))



export const storyColumns = "key, site, url, title, chapters, book_id AS bookId, last_outcome AS lastOutcome, updated_at AS updatedAt"

export const decodeStories = Schema.decodeUnknownSync(Schema.Array(Story))

// A site with jobs due, and how many.
const DueSite = Schema.Struct({
  /** The site id. */
  site: Schema.String,
  /** How many of its jobs may start now. */
  due: Schema.Int
})
export type DueSite = typeof DueSite.Type
export const decodeDueSites = Schema.decodeUnknownSync(Schema.Array(DueSite))

const TimeRow = Schema.Struct({ at: Schema.NullOr(Schema.Number) })
export const decodeTime = Schema.decodeUnknownSync(TimeRow)

// What a finished run taught us about its story, kept on the story's row.
export interface StoryFacts {
  /** How the run ended, in words. */
  readonly outcome: string
  /** The title, when the run read it. */
  readonly title?: string | undefined
  /** The book's chapters after the run, when known. */
  readonly chapters?: number | undefined
  /** The Calibre book the run wrote to. */
  readonly bookId?: number | undefined
}
