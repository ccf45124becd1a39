import { Duration, Effect, Option, Schedule } from "effect"
import { cappedExponential, delayBeforeRetry } from "./backoff.ts"

// When a failed job runs again: capped exponential backoff with jitter for the normal retries,
// then one Hail-Mary after retry.hail_mary_wait_hours, then no more. The delays are an Effect
// Schedule; since a job's next try must survive restarts, the schedule is replayed from the
// job's stored attempt count instead of being kept alive in memory.

export interface RetryPolicy {
  /** Retries with exponential backoff before the Hail-Mary. */
  readonly maxNormalRetries: number
  /** Whether one last try follows the normal retries. */
  readonly hailMaryEnabled: boolean
  /** How long before the Hail-Mary. */
  readonly hailMaryWaitHours: number
  /** The first retry's delay; each next one doubles it. */
  readonly baseDelay: Duration.Duration
  /** The longest delay between normal retries. */
  readonly maxDelay: Duration.Duration
  /** An email can arrive before its chapter is visible on the site: "nothing new" after an
   * email-triggered run is checked again this many times, */
  readonly nothingNewRechecks: number
  /** this long apart. */
  readonly nothingNewRecheckDelay: Duration.Duration
}

export const defaultRetryPolicy = (retry: {
  readonly max_normal_retries: number
  readonly hail_mary_enabled: boolean
  readonly hail_mary_wait_hours: number
  readonly nothing_new_rechecks: number
  readonly nothing_new_recheck_minutes: number
}): RetryPolicy => ({
  maxNormalRetries: retry.max_normal_retries,
  hailMaryEnabled: retry.hail_mary_enabled,
  hailMaryWaitHours: retry.hail_mary_wait_hours,
  baseDelay: Duration.minutes(1),
  maxDelay: Duration.hours(1),
  nothingNewRechecks: retry.nothing_new_rechecks,
  nothingNewRecheckDelay: Duration.minutes(retry.nothing_new_recheck_minutes)
})

// Schedule.jittered scales each delay by a random factor in [0.8, 1.2].
const retrySchedule = (policy: RetryPolicy): Schedule.Schedule<unknown> => {
  const normal = cappedExponential(policy.baseDelay, policy.maxDelay).pipe(
    Schedule.jittered,
    Schedule.upTo({ times: policy.maxNormalRetries })
  )
  if (!policy.hailMaryEnabled) return normal
  const hailMary = Schedule.spaced(Duration.hours(policy.hailMaryWaitHours)).pipe(Schedule.upTo({ times: 1 }))
  return Schedule.concat(normal, hailMary)
}

type RetryDecision =
  | { readonly _tag: "Retry"; /** When, in epoch milliseconds. */ readonly at: number }
  | { readonly _tag: "HailMary"; /** When, in epoch milliseconds. */ readonly at: number }
  | { readonly _tag: "GiveUp" }

// `attempts` counts the runs so far, the one that just failed included.
export const nextAttempt = Effect.fn("nextAttempt")(function* (policy: RetryPolicy, attempts: number, now: number) {
  const delay = yield* delayBeforeRetry(retrySchedule(policy), attempts, now)
  if (Option.isNone(delay)) return { _tag: "GiveUp" } satisfies RetryDecision
  const at = now + Math.round(Duration.toMillis(delay.value))
  return attempts > policy.maxNormalRetries
    ? ({ _tag: "HailMary", at } satisfies RetryDecision)
    : ({ _tag: "Retry", at } satisfies RetryDecision)
})
