import { Duration, Effect } from "effect"
import type { Job, JobEvent } from "./Job.ts"
import { nextAttempt, type RetryPolicy } from "./retryPolicy.ts"
import type { SiteVerdict } from "./siteBreaker.ts"

// What a finished run means for its job: done, another try at a computed time, or failed for
// good; and what it says about the site.

export type StoryResult = "added" | "updated" | "unchanged" | "kept" | "failed"

// What a finished run says about its job and its site; the pipeline's StoryReport is one, with
// more for the summary line.
export interface RunOutcome {
  /** The link the run was for. */
  readonly url: string
  /** What the run came to. */
  readonly result: StoryResult
  /** In words: what was written, or what went wrong. */
  readonly detail: string
  /** For a failure: whether trying again later can help (site trouble, timeouts) or not (the
   * story is gone, a setting must change). */
  readonly retryable?: boolean
  /** For a failure: the site itself is refusing or unreachable (rate limit, block, outage). */
  readonly siteTrouble?: boolean
}

const isEmailOrigin = (origin: string) => origin.startsWith("email:")

export const decide = Effect.fn("decide")(function* (job: Job, report: RunOutcome, policy: RetryPolicy, now: number) {
  if (report.result === "unchanged" && job.origins.some(isEmailOrigin) && job.attempts <= policy.nothingNewRechecks) {
    const at = now + Duration.toMillis(policy.nothingNewRecheckDelay)
    return { _tag: "RetryAt", at, error: `nothing new yet; the alert may have come before the chapter is online (recheck ${job.attempts} of ${policy.nothingNewRechecks})` } satisfies JobEvent
  }
  if (report.result !== "failed") return { _tag: "Succeeded" } satisfies JobEvent
  if (report.retryable !== true) return { _tag: "Failed", error: report.detail } satisfies JobEvent
  const next = yield* nextAttempt(policy, job.attempts, now)
  switch (next._tag) {
    case "Retry":
      return { _tag: "RetryAt", at: next.at, error: report.detail } satisfies JobEvent
    case "HailMary":
      return { _tag: "RetryAt", at: next.at, error: `${report.detail} (last try, the Hail-Mary)`, lastTry: true } satisfies JobEvent
    case "GiveUp":
      return { _tag: "Failed", error: `${report.detail} (gave up after ${job.attempts} tries)` } satisfies JobEvent
  }
})

export const siteVerdict = (report: RunOutcome): SiteVerdict =>
  report.result !== "failed" ? "worked" : report.siteTrouble === true ? "site-trouble" : "other"
