// When a failed job runs again: capped exponential backoff with jitter for the normal retries,
// then one Hail-Mary after retry.hail_mary_wait_hours, then no more. Pure; times in milliseconds.

export interface RetryPolicy {
  readonly maxNormalRetries: number
  readonly hailMaryEnabled: boolean
  readonly hailMaryWaitHours: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  // Fraction of the delay that jitter may add or remove (0.2 = ±20 %).
  readonly jitter: number
}

export const defaultRetryPolicy = (retry: { readonly max_normal_retries: number; readonly hail_mary_enabled: boolean; readonly hail_mary_wait_hours: number }): RetryPolicy => ({
  maxNormalRetries: retry.max_normal_retries,
  hailMaryEnabled: retry.hail_mary_enabled,
  hailMaryWaitHours: retry.hail_mary_wait_hours,
  baseDelayMs: 60_000,
  maxDelayMs: 60 * 60_000,
  jitter: 0.2
})

export type RetryDecision =
  | { readonly _tag: "Retry"; readonly at: number }
  | { readonly _tag: "HailMary"; readonly at: number }
  | { readonly _tag: "GiveUp" }

// `attempts` counts the runs so far, the one that just failed included; `random` is in [0, 1).
export const nextAttempt = (policy: RetryPolicy, attempts: number, now: number, random: number): RetryDecision => {
  const retriesSoFar = attempts - 1
  if (retriesSoFar < policy.maxNormalRetries) {
    const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retriesSoFar)
    const jittered = exponential * (1 + policy.jitter * (2 * random - 1))
    return { _tag: "Retry", at: now + Math.round(jittered) }
  }
  if (retriesSoFar === policy.maxNormalRetries && policy.hailMaryEnabled) {
    return { _tag: "HailMary", at: now + Math.round(policy.hailMaryWaitHours * 3_600_000) }
  }
  return { _tag: "GiveUp" }
}
