import { Clock, Effect, Result } from "effect"
import { decide, siteVerdict } from "../jobs/decide.ts"
import type { Job, JobEvent } from "../jobs/Job.ts"
import { afterRun, isHealthy } from "../jobs/siteBreaker.ts"
import { Pipeline, type PipelineError } from "../pipeline/Pipeline.ts"
import type { StoryReport } from "../pipeline/StoryReport.ts"
import { Store } from "../store/Store.ts"
import { parseStoryUrl } from "../stories/StoryUrl.ts"
import type { SchedulingPolicy } from "./policy.ts"
import type { Notification } from "../notify/Notification.ts"
import { Notifier } from "../notify/Notifier.ts"
import { pausedReason, recordWhatSiteSaid, refreshOptionsFor } from "./jobWatch.ts"

// One claimed job, from the Pipeline to its recorded end: the job's next state, the story's
// facts and the site's breaker, written together.

// A busy library or a failed calibredb call is the job's failure, to be retried; a missing
// library or FanFicFare is not the job's fault and stops the run.
const asReport = (url: string) => (error: PipelineError): Effect.Effect<StoryReport, PipelineError> =>
  error._tag === "CalibreBusy" || error._tag === "CalibreFailed"
    ? Effect.succeed({ url, result: "failed", detail: error.message, retryable: true })
    : Effect.fail(error)

// A bug met while running one story (a defect, not an expected error) is that job's failed try,
// retried on its schedule: the other stories go on and the daemon keeps running.
const defectReport = (url: string) => (defect: unknown): Effect.Effect<StoryReport> =>
  Effect.logError("internal error while running a story", defect).pipe(Effect.as({
    url,
    result: "failed",
    detail: `internal error (${defect instanceof Error ? defect.message : String(defect)}); please report it with the log`,
    retryable: true
  }))

const withNextTry = (report: StoryReport, event: JobEvent): StoryReport =>
  event._tag === "RetryAt" ? { ...report, detail: `${report.detail}; next try at ${new Date(event.at).toISOString()}` } : report

const storyNotification = (job: Job, report: StoryReport, event: JobEvent): Notification | undefined => {
  const story = {
    key: job.storyKey, url: job.url, site: job.site,
    ...(report.title === undefined ? {} : { title: report.title }),
    ...(report.chapters === undefined ? {} : { chapters: report.chapters }),
    ...(report.author === undefined ? {} : { author: report.author })
  }
  if (event._tag === "Failed") return { _tag: "FailedForGood", story, reason: event.error }
  if (event._tag === "RetryAt" && event.lastTry === true) return { _tag: "HailMaryScheduled", story, at: event.at, reason: report.detail }
  if (report.result === "added") return { _tag: "StoryAdded", story }
  if (report.result === "updated") return { _tag: "StoryUpdated", story, ...(report.chaptersBefore === undefined ? {} : { chaptersBefore: report.chaptersBefore }) }
  // An email's "nothing new" is checked again; only the last word is news. A watch source's
  // check that found nothing is not news at all.
  if (report.result === "unchanged" && event._tag === "Succeeded" && report.checkVerdict === undefined) return { _tag: "NothingNew", story }
  return undefined
}

export const runJob = Effect.fn("runJob")(function* (job: Job, policy: SchedulingPolicy) {
  const store = yield* Store
  const pipeline = yield* Pipeline
  const parsed = parseStoryUrl(job.url)
  if (Result.isFailure(parsed)) {
    const { message } = parsed.failure
    const report: StoryReport = { url: job.url, storyKey: job.storyKey, result: "failed", detail: message }
    yield* store.finish(job.id, { _tag: "Failed", error: message }, { outcome: "failed" }, (site) => site)
    return report
  }
  const url = parsed.success
  const watched = yield* store.watchedStory(job.storyKey)
  const paused = pausedReason(job, watched)
  if (paused !== undefined) {
    yield* store.finish(job.id, { _tag: "Skipped", reason: paused }, { outcome: "paused" }, (site) => site)
    return { url: job.url, storyKey: job.storyKey, result: "kept", detail: paused } satisfies StoryReport
  }
  yield* Effect.logInfo(`refreshing ${url}`)
  // Never a full re-download while the site is struggling.
  const force = job.force && isHealthy(yield* store.site(job.site))
  const report = yield* pipeline.refresh(url, refreshOptionsFor(job, watched, force)).pipe(Effect.catch(asReport(job.url)), Effect.catchDefect(defectReport(job.url)))
  const now = yield* Clock.currentTimeMillis
  const event = yield* decide(job, report, policy.retry, now)
  const facts = { outcome: report.result, title: report.title, chapters: report.chapters, bookId: report.bookId }
  const { siteBefore, siteAfter } = yield* store.finish(job.id, event, facts, (site) =>
    afterRun(policy.breaker, site, siteVerdict(report), now, report.detail))
  yield* recordWhatSiteSaid(job, report)
  const notifier = yield* Notifier
  if (siteAfter.openUntil !== null && siteAfter.openUntil !== siteBefore.openUntil) {
    yield* Effect.logWarning(`${job.site} is refusing or unreachable; its jobs wait until ${new Date(siteAfter.openUntil).toISOString()}`)
    yield* notifier.notify({ _tag: "SitePaused", site: job.site, until: siteAfter.openUntil, reason: report.detail })
  }
  if (siteBefore.openUntil !== null && siteAfter.openUntil === null) yield* notifier.notify({ _tag: "SiteResumed", site: job.site })
  yield* Effect.logInfo(`${report.result}: ${report.detail}`)
  const notification = storyNotification(job, report, event)
  if (notification !== undefined) yield* notifier.notify(notification)
  return { ...withNextTry(report, event), storyKey: job.storyKey }
}, (effect, job) => Effect.annotateLogs(effect, { job: job.id, story: job.storyKey, site: job.site }))
