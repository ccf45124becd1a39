import { Duration, Effect } from "effect"
import type { StoryReport } from "../pipeline/StoryReport.ts"
import type { Job, JobEvent } from "./Job.ts"
import { nextAttempt, type RetryPolicy } from "./retryPolicy.ts"
import type { SiteVerdict } from "./siteBreaker.ts"

// What a finished run means for its job: done, another try at a computed time, or failed for
// good; and what it says about the site.

export const isEmailOrigin = (origin: string) => origin.startsWith("email:")

export const decide = Effect.fn("decide")(function* (job: Job, report: StoryReport, policy: RetryPolicy, now: number) {
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

export const siteVerdict = (report: StoryReport): SiteVerdict =>
  report.result !== "failed" ? "worked" : report.siteTrouble === true ? "site-trouble" : "other"
