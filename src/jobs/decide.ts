import type { StoryReport } from "../pipeline/StoryReport.ts"
import type { Job, JobEvent } from "./Job.ts"
import { nextAttempt, type RetryPolicy } from "./retryPolicy.ts"

// What a finished run means for its job: done, another try at a computed time, or failed for
// good. Pure, so the arithmetic is tested without processes.
export const decide = (job: Job, report: StoryReport, policy: RetryPolicy, now: number, random: number): JobEvent => {
  if (report.result !== "failed") return { _tag: "Succeeded" }
  if (report.retryable !== true) return { _tag: "Failed", error: report.detail }
  const next = nextAttempt(policy, job.attempts, now, random)
  switch (next._tag) {
    case "Retry":
      return { _tag: "RetryAt", at: next.at, error: report.detail }
    case "HailMary":
      return { _tag: "RetryAt", at: next.at, error: `${report.detail} (last try, the Hail-Mary)` }
    case "GiveUp":
      return { _tag: "Failed", error: `${report.detail} (gave up after ${job.attempts} tries)` }
  }
}
