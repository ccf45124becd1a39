import type { RunOutcome, StoryResult } from "../jobs/decide.ts"

// What one story's refresh came to, for the summary line, --json and the exit code; the part
// its job's next state depends on is the jobs domain's RunOutcome.

export interface StoryReport extends RunOutcome {
  /** The story's `site:storyId`, once the job store knows it. */
  readonly storyKey?: string
  /** The story's title, as the site gives it. */
  readonly title?: string
  /** The story's author, as the site gives it. */
  readonly author?: string
  /** The Calibre book the story is in. */
  readonly bookId?: number
  /** How many chapters the book has now. */
  readonly chapters?: number
  /** For an update: the chapters the book had before. */
  readonly chaptersBefore?: number
  /** For a failure: the site says the story does not exist. */
  readonly storyGone?: boolean
  /** The story's status on the site (In-Progress, Completed), when FanFicFare printed it. */
  readonly status?: string
  /** When the site says the story last changed, when FanFicFare printed it. */
  readonly dateUpdated?: string
  /** A cheap check ran first, and what it found (see watch/cheapCheck.ts). */
  readonly checkVerdict?: "more" | "same" | "revised" | "fewer" | "failed"
}

export const isFailure = (report: StoryReport) => report.result === "failed"

export const summaryCounts = (reports: ReadonlyArray<StoryReport>) => {
  const count = (result: StoryResult) => reports.filter((report) => report.result === result).length
  return { stories: reports.length, added: count("added"), updated: count("updated"), unchanged: count("unchanged"), kept: count("kept"), failed: count("failed") }
}

export const summaryLine = (reports: ReadonlyArray<StoryReport>): string => {
  const counts = summaryCounts(reports)
  return `${counts.stories} stor${counts.stories === 1 ? "y" : "ies"}: ${counts.added} added, ${counts.updated} updated, ` +
    `${counts.unchanged} unchanged, ${counts.kept} kept, ${counts.failed} failed`
}

export const reportLine = (report: StoryReport): string => {
  const name = report.title === undefined ? report.url : `"${report.title}" (${report.url})`
  const book = report.bookId === undefined ? "" : ` [Calibre book ${report.bookId}]`
  return `${report.result.padEnd(9)} ${name}${book}: ${report.detail}`
}
