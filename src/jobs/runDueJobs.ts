import { Clock, Effect, Random } from "effect"
import { Pipeline, type PipelineError } from "../pipeline/Pipeline.ts"
import type { StoryReport } from "../pipeline/StoryReport.ts"
import { Store } from "../store/Store.ts"
import { parseStoryUrl } from "../stories/StoryUrl.ts"
import { decide } from "./decide.ts"
import type { Job } from "./Job.ts"
import type { RetryPolicy } from "./retryPolicy.ts"

// The single pass: put back what a crash left running, then run every job that is due, one
// after another, and record what each came to. Waiting jobs that are not due stay in the Store.

const isDue = (job: Job, now: number) => job.state === "queued" || (job.state === "waiting" && (job.nextAttemptAt ?? 0) <= now)

// A busy library or a failed calibredb call is the job's failure, to be retried; a missing
// library or FanFicFare stops the pass (the job goes back to waiting, due at once).
const asReport = (job: Job) => (error: PipelineError): Effect.Effect<StoryReport, PipelineError> =>
  error._tag === "CalibreBusy" || error._tag === "CalibreFailed"
    ? Effect.succeed({ url: job.url, result: "failed", detail: error.message, retryable: true })
    : Effect.fail(error)

export const runDueJobs = Effect.fn("runDueJobs")(function* (policy: RetryPolicy) {
  const store = yield* Store
  const pipeline = yield* Pipeline
  const recovered = yield* store.recoverRunning
  if (recovered > 0) yield* Effect.logInfo(`${recovered} job(s) interrupted earlier are queued again`)
  const now = yield* Clock.currentTimeMillis
  const due = (yield* store.jobs(["queued", "waiting"])).filter((job) => isDue(job, now))
  const reports: Array<StoryReport> = []
  for (const job of due) {
    const url = parseStoryUrl(job.url)
    const started = yield* store.apply(job.id, { _tag: "Started" })
    if (typeof url !== "string") {
      yield* store.apply(job.id, { _tag: "Failed", error: url.message })
      reports.push({ url: job.url, result: "failed", detail: url.message })
      continue
    }
    yield* Effect.logInfo(`job ${job.id}: refreshing ${url}`)
    const report = yield* pipeline.refresh(url).pipe(
      Effect.catch(asReport(started)),
      Effect.tapError((error) => store.apply(job.id, { _tag: "RetryAt", at: now, error: error.message })),
      Effect.annotateLogs({ job: job.id, story: job.storyKey })
    )
    const event = decide(started, report, policy, yield* Clock.currentTimeMillis, yield* Random.next)
    yield* store.apply(job.id, event)
    reports.push(event._tag === "RetryAt" ? { ...report, detail: `${report.detail}; next try at ${new Date(event.at).toISOString()}` } : report)
  }
  return reports
})
