import { Clock, Effect, Random } from "effect"
import { Pipeline, type PipelineError } from "../pipeline/Pipeline.ts"
import type { StoryReport } from "../pipeline/StoryReport.ts"
import { Store } from "../store/Store.ts"
import { siteOf } from "../stories/storyKey.ts"
import { parseStoryUrl } from "../stories/StoryUrl.ts"
import { decide } from "./decide.ts"
import type { Job } from "./Job.ts"
import type { RetryPolicy } from "./retryPolicy.ts"

// The single pass: put back what a crash left running, then run every job that is due and
// record what each came to. Sites run side by side, at most `maxWorkers` at once, and each
// site's jobs one after another, so no site ever sees two downloads at a time from us and a
// job waiting for its site holds no slot. Waiting jobs that are not due stay in the Store.

const isDue = (job: Job, now: number) => job.state === "queued" || (job.state === "waiting" && (job.nextAttemptAt ?? 0) <= now)

// A busy library or a failed calibredb call is the job's failure, to be retried; a missing
// library or FanFicFare stops the pass (the job goes back to waiting, due at once).
const asReport = (job: Job) => (error: PipelineError): Effect.Effect<StoryReport, PipelineError> =>
  error._tag === "CalibreBusy" || error._tag === "CalibreFailed"
    ? Effect.succeed({ url: job.url, result: "failed", detail: error.message, retryable: true })
    : Effect.fail(error)

export const groupBySite = (jobs: ReadonlyArray<Job>): ReadonlyArray<ReadonlyArray<Job>> => {
  const groups = new Map<string, Array<Job>>()
  for (const job of jobs) {
    const site = URL.canParse(job.url) ? siteOf(job.url) : ""
    groups.set(site, [...(groups.get(site) ?? []), job])
  }
  return [...groups.values()]
}

export const runDueJobs = Effect.fn("runDueJobs")(function* (policy: RetryPolicy, maxWorkers: number) {
  const store = yield* Store
  const pipeline = yield* Pipeline
  const recovered = yield* store.recoverRunning
  if (recovered > 0) yield* Effect.logInfo(`${recovered} job(s) interrupted earlier are queued again`)
  const now = yield* Clock.currentTimeMillis
  const due = (yield* store.jobs(["queued", "waiting"])).filter((job) => isDue(job, now))
  const runOne = Effect.fnUntraced(function* (job: Job) {
    const url = parseStoryUrl(job.url)
    const started = yield* store.apply(job.id, { _tag: "Started" })
    if (typeof url !== "string") {
      yield* store.apply(job.id, { _tag: "Failed", error: url.message })
      const report: StoryReport = { url: job.url, result: "failed", detail: url.message }
      return report
    }
    yield* Effect.logInfo(`job ${job.id}: refreshing ${url}`)
    const report = yield* pipeline.refresh(url).pipe(
      Effect.catch(asReport(started)),
      Effect.tapError((error) => store.apply(job.id, { _tag: "RetryAt", at: now, error: error.message })),
      Effect.annotateLogs({ job: job.id, story: job.storyKey })
    )
    const event = decide(started, report, policy, yield* Clock.currentTimeMillis, yield* Random.next)
    yield* store.apply(job.id, event)
    return event._tag === "RetryAt" ? { ...report, detail: `${report.detail}; next try at ${new Date(event.at).toISOString()}` } : report
  })
  const perSite = yield* Effect.forEach(groupBySite(due), (jobs) => Effect.forEach(jobs, runOne), { concurrency: maxWorkers })
  return perSite.flat()
})
