import type { Job } from "../jobs/Job.ts"
import { describeSite, healthySite, isPaused, type SiteState } from "../jobs/siteBreaker.ts"
import type { Story } from "./entities.ts"
import type { SourceState, WatchedStory } from "./watchRecords.ts"

// What `status` prints, and the source and site shapes the HTTP API shares with it. Pure: the
// caller reads the Store and hands the rows here.

interface StatusData {
  /** The Store's file. */
  readonly file: string
  /** The moment the status describes, in epoch milliseconds. */
  readonly now: number
  /** Every job, oldest first. */
  readonly jobs: ReadonlyArray<Job>
  /** Every story, by key. */
  readonly stories: ReadonlyArray<Story>
  /** Every site with a breaker record. */
  readonly sites: ReadonlyArray<SiteState>
  /** The watch sources' runs, when the caller read them. */
  readonly sources?: ReadonlyArray<SourceState>
  /** Each story's watch settings, when the caller read them. */
  readonly watched?: ReadonlyArray<WatchedStory>
}

const when = (millis: number | null) => (millis === null ? "-" : new Date(millis).toISOString().replace(/\.\d+Z$/, "Z"))

// Every site with a job or a breaker record; a site never in trouble is "ok".
export const siteStates = (data: Pick<StatusData, "sites" | "jobs">): ReadonlyArray<SiteState> => {
  const known = new Map(data.sites.map((site) => [site.site, site]))
  for (const job of data.jobs) if (!known.has(job.site)) known.set(job.site, healthySite(job.site))
  return [...known.values()].sort((a, b) => a.site.localeCompare(b.site))
}

export const sourceJson = (source: SourceState) => ({
  source: source.source,
  lastRunAt: source.lastRunAt,
  nextRunAt: source.nextRunAt,
  found: source.found,
  error: source.error
})

// Only what differs from the default: a story not followed, or with its own update_method.
const watchSettings = (watched: ReadonlyArray<WatchedStory> | undefined) =>
  new Map((watched ?? []).map((story) => [story.key, story]))

export const statusJson = (data: StatusData) => ({
  store: data.file,
  sources: (data.sources ?? []).map(sourceJson),
  sites: siteStates(data).map((site) => ({ ...site, paused: isPaused(site, data.now), state: describeSite(site, data.now) })),
  stories: data.stories.map((story) => {
    const watched = watchSettings(data.watched).get(story.key)
    return watched === undefined ? story : { ...story, status: watched.status, watch: watched.watch, updateMethod: watched.updateMethod, checkedAt: watched.checkedAt }
  }),
  jobs: data.jobs
})

const sourceLine = (source: SourceState) =>
  `  ${source.source}  last ${when(source.lastRunAt)}  next ${when(source.nextRunAt)}  ` +
  (source.error === null ? `${source.found} found` : `error: ${source.error}`)

const jobLine = (job: Job) =>
  `${String(job.id).padStart(5)}  ${job.state.padEnd(8)} ${String(job.attempts).padStart(3)}  ${when(job.nextAttemptAt).padEnd(20)}  ${job.url}` +
  (job.lastError === null ? "" : `  (${job.lastError})`)

const storyLine = (watched: ReadonlyMap<string, WatchedStory>) => (story: Story) =>
  `  ${story.key}  ${story.title === null ? "" : `"${story.title}" `}` +
  watchNote(watched.get(story.key)) +
  `${story.chapters === null ? "" : `${story.chapters} ch. `}${story.bookId === null ? "" : `[book ${story.bookId}] `}` +
  `${story.lastOutcome ?? "not run yet"}`

const watchNote = (story: WatchedStory | undefined) =>
  (story === undefined || story.watch === "follow" ? "" : `[${story.watch}] `) +
  (story?.updateMethod === null || story === undefined ? "" : `[${story.updateMethod}] `)

export const statusText = (data: StatusData): ReadonlyArray<string> => {
  const sources = (data.sources ?? []).length === 0 ? [] : ["watch sources:", ...(data.sources ?? []).map(sourceLine)]
  if (data.jobs.length === 0 && data.stories.length === 0) return [`job store: ${data.file}`, ...sources, "no jobs yet: `automated-fanfic add URL` queues one"]
  return [
    `job store: ${data.file}`,
    ...sources,
    "sites:",
    ...siteStates(data).map((site) => `  ${site.site.padEnd(28)} ${describeSite(site, data.now)}`),
    `stories (${data.stories.length}):`,
    ...data.stories.map(storyLine(watchSettings(data.watched))),
    "jobs:",
    "  job  state    try  next attempt          story",
    ...data.jobs.map(jobLine)
  ]
}
