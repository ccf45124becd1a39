import { Schema } from "effect"

// The Store's entities as the API and `status --json` show them. Nothing here touches SQLite or
// Node, so the dashboard's browser scripts type-check against the same shapes.

// The fields in the order the API and `status --json` show them.
export const Story = Schema.Struct({
  /** The story's identity everywhere, `site:storyId`. */
  key: Schema.String,
  /** The site id. */
  site: Schema.String,
  /** The link its jobs download it from. */
  url: Schema.String,
  /** Its title, once a run or the Calibre import has read it. */
  title: Schema.NullOr(Schema.String),
  /** How many chapters its book had after the last run that knew. */
  chapters: Schema.NullOr(Schema.Int),
  /** Its Calibre book, once one was written or found. */
  bookId: Schema.NullOr(Schema.Int),
  /** How the last run ended, in words; "imported" for a book read in from Calibre. */
  lastOutcome: Schema.NullOr(Schema.String),
  /** When the row last changed, in epoch milliseconds. */
  updatedAt: Schema.Number
})
export type Story = typeof Story.Type

// One line of history.
export const HistoryItem = Schema.Struct({
  /** Grows with every line; a live stream resumes after the last one it sent. */
  id: Schema.Int,
  /** When it happened, in epoch milliseconds. */
  at: Schema.Number,
  /** The story it is about, if any. */
  storyKey: Schema.NullOr(Schema.String),
  /** The job it is about, if any. */
  jobId: Schema.NullOr(Schema.Int),
  /** What happened: a job event's tag (Started, RetryAt, …) or another name (requested, imported, …). */
  kind: Schema.String,
  /** In words: the error, the origin, who asked. */
  detail: Schema.String
})
export type HistoryItem = typeof HistoryItem.Type
