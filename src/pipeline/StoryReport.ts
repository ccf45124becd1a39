// What one story's refresh came to, for the summary line, --json and the exit code.

export type StoryResult = "added" | "updated" | "unchanged" | "kept" | "failed"

export interface StoryReport {
  readonly url: string
  // The story's `site:storyId`, once the job store knows it.
  readonly storyKey?: string
  readonly result: StoryResult
  readonly detail: string
  readonly title?: string
  readonly author?: string
  readonly bookId?: number
  readonly chapters?: number
  // For an update: the chapters the book had before.
  readonly chaptersBefore?: number
  // For a failure: whether trying again later can help (site trouble, timeouts) or not (the
  // story is gone, a setting must change).
  readonly retryable?: boolean
  // For a failure: the site itself is refusing or unreachable (rate limit, block, outage).
  readonly siteTrouble?: boolean
  // For a failure: the site says the story does not exist.
  readonly storyGone?: boolean
  // What the site says of the story beside its chapters, when FanFicFare printed it.
  readonly status?: string
  readonly dateUpdated?: string
  // A cheap check ran first, and what it found (see watch/cheapCheck.ts).
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
