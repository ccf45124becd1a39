import type { Job } from "../jobs/Job.ts"
import { describeSite, healthySite, isPaused, type SiteState } from "../jobs/siteBreaker.ts"
import type { StoryRow } from "../store/rows.ts"

// What `status` prints. Pure: the command reads the Store and hands the rows here.

export interface StatusData {
  readonly file: string
  readonly now: number
  readonly jobs: ReadonlyArray<Job>
  readonly stories: ReadonlyArray<StoryRow>
  readonly sites: ReadonlyArray<SiteState>
}

const when = (millis: number | null) => (millis === null ? "-" : new Date(millis).toISOString().replace(/\.\d+Z$/, "Z"))

// Every site with a job or a breaker record; a site never in trouble is "ok".
export const siteStates = (data: Pick<StatusData, "sites" | "jobs">): ReadonlyArray<SiteState> => {
  const known = new Map(data.sites.map((site) => [site.site, site]))
  for (const job of data.jobs) if (!known.has(job.site)) known.set(job.site, healthySite(job.site))
  return [...known.values()].sort((a, b) => a.site.localeCompare(b.site))
}

export const storyJson = (story: StoryRow) => ({
  key: story.key,
  site: story.site,
  url: story.url,
  title: story.title,
  chapters: story.chapters,
  bookId: story.book_id,
  lastOutcome: story.last_outcome,
  updatedAt: story.updated_at
})

export const statusJson = (data: StatusData) => ({
  store: data.file,
  sites: siteStates(data).map((site) => ({ ...site, paused: isPaused(site, data.now), state: describeSite(site, data.now) })),
  stories: data.stories.map(storyJson),
  jobs: data.jobs
})

const jobLine = (job: Job) =>
  `${String(job.id).padStart(5)}  ${job.state.padEnd(8)} ${String(job.attempts).padStart(3)}  ${when(job.nextAttemptAt).padEnd(20)}  ${job.url}` +
  (job.lastError === null ? "" : `  (${job.lastError})`)

const storyLine = (story: StoryRow) =>
  `  ${story.key}  ${story.title === null ? "" : `"${story.title}" `}` +
  `${story.chapters === null ? "" : `${story.chapters} ch. `}${story.book_id === null ? "" : `[book ${story.book_id}] `}` +
  `${story.last_outcome ?? "not run yet"}`

export const statusText = (data: StatusData): ReadonlyArray<string> => {
  if (data.jobs.length === 0) return [`job store: ${data.file}`, "no jobs yet: `automated-fanfic add URL` queues one"]
  return [
    `job store: ${data.file}`,
    "sites:",
    ...siteStates(data).map((site) => `  ${site.site.padEnd(28)} ${describeSite(site, data.now)}`),
    `stories (${data.stories.length}):`,
    ...data.stories.map(storyLine),
    "jobs:",
    "  job  state    try  next attempt          story",
    ...data.jobs.map(jobLine)
  ]
}
