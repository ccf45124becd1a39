import { Effect, Schema } from "effect"
import { UpdateMethod } from "../config/ConfigSchema.ts"
import type { Job } from "../jobs/Job.ts"
import type { RefreshOptions } from "../pipeline/Pipeline.ts"
import type { StoryReport } from "../pipeline/StoryReport.ts"
import { Store } from "../store/Store.ts"
import type { WatchedStory } from "../store/watchRecords.ts"
import { isWatchOrigin } from "../watch/cheapCheck.ts"

// What a story's watch settings mean for one job, and what the job's run teaches the store
// about the story's site. The decisions are pure; the recording is one Store call.

const isPersonRequest = (origin: string) => origin === "manual" || origin.startsWith("web") || origin.startsWith("once")

// A paused, ignored or gone story is refreshed only when a person asks for it.
export const pausedReason = (job: Job, story: WatchedStory | undefined): string | undefined => {
  if (story === undefined || story.watch === "follow" || job.origins.some(isPersonRequest)) return undefined
  return story.watch === "gone"
    ? "the site said this story does not exist; add it again by hand to try once more"
    : `this story is ${story.watch}; resume it in status or the dashboard to refresh it`
}

const decodeMethod = Schema.decodeUnknownOption(UpdateMethod)

export const refreshOptionsFor = (job: Job, story: WatchedStory | undefined, force: boolean): RefreshOptions => {
  const method = story?.updateMethod === null || story === undefined ? undefined : decodeMethod(story.updateMethod)
  // Only requests that do not already say there is news are checked first, and only when the
  // store knows the chapter count to compare with.
  const checkFirst = !force && job.origins.length > 0 && job.origins.every(isWatchOrigin) && story?.chapters !== null && story !== undefined
    ? { chapters: story.chapters ?? 0, dateUpdated: story.dateUpdated }
    : undefined
  return {
    force,
    ...(checkFirst === undefined ? {} : { checkFirst }),
    ...(method === undefined || method._tag === "None" ? {} : { updateMethod: method.value })
  }
}

// Keeps what the site said (chapters, status, last update) and when it was asked; a cheap
// check also leaves a line of history with its origins. A story the site says does not exist
// is no longer watched.
export const recordWhatSiteSaid = Effect.fn("recordWhatSiteSaid")(function* (job: Job, report: StoryReport) {
  const store = yield* Store
  const detail = report.checkVerdict === undefined ? "" : `${job.origins.join(", ")}: ${report.detail}`
  yield* store.recordCheck(job.storyKey, job.id, {
    chapters: report.result === "failed" ? undefined : report.chapters,
    status: report.status,
    dateUpdated: report.dateUpdated,
    author: report.author
  }, detail)
  if (report.storyGone === true) yield* store.setWatch(job.storyKey, "gone", report.detail)
})
