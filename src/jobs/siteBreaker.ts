import { Schema } from "effect"

// Politeness towards one site. Repeated site-level trouble (rate limits, blocks, outages,
// unreachable) opens the site's breaker: its jobs wait until the cool-down ends, while every
// other site goes on. The first job after the cool-down is the probe: success closes the
// breaker, more trouble re-opens it for twice as long. Pure; times in milliseconds.

export interface BreakerPolicy {
  /** Consecutive site-level failures that open the breaker. */
  readonly threshold: number
  /** The first cool-down, in milliseconds; each re-opening doubles it. */
  readonly baseCooldownMs: number
  /** The longest cool-down, in milliseconds. */
  readonly maxCooldownMs: number
}

export const SiteState = Schema.Struct({
  /** The site id. */
  site: Schema.String,
  /** Site-level failures in a row since it last worked. */
  failures: Schema.Int,
  /** How many times the breaker opened since the site last worked; sets the next cool-down. */
  opens: Schema.Int,
  /** While the breaker is open, when it closes again (epoch milliseconds); else null. */
  openUntil: Schema.NullOr(Schema.Number),
  /** What the last site-level failure said. */
  lastError: Schema.NullOr(Schema.String)
})
export type SiteState = typeof SiteState.Type

export type SiteVerdict = "worked" | "site-trouble" | "other"

export const healthySite = (site: string): SiteState => ({ site, failures: 0, opens: 0, openUntil: null, lastError: null })

export const isPaused = (state: SiteState, now: number) => state.openUntil !== null && state.openUntil > now

// A degraded site gets no --force re-downloads: that would only add load where it hurts.
export const isHealthy = (state: SiteState) => state.failures === 0

const cooldownFor = (policy: BreakerPolicy, opens: number) =>
  Math.min(policy.maxCooldownMs, policy.baseCooldownMs * 2 ** opens)

export const afterRun = (policy: BreakerPolicy, state: SiteState, verdict: SiteVerdict, now: number, error: string): SiteState => {
  switch (verdict) {
    case "worked":
      return healthySite(state.site)
    case "other":
      return state
    case "site-trouble": {
      const failures = state.failures + 1
      if (failures < policy.threshold) return { ...state, failures, lastError: error }
      return { ...state, failures, opens: state.opens + 1, openUntil: now + cooldownFor(policy, state.opens), lastError: error }
    }
  }
}

export const describeSite = (state: SiteState, now: number): string => {
  if (isPaused(state, now) && state.openUntil !== null) {
    return `paused until ${new Date(state.openUntil).toISOString()} after ${state.failures} failures in a row (${state.lastError ?? "site trouble"})`
  }
  if (state.failures === 0) return "ok"
  return `degraded: ${state.failures} failure${state.failures === 1 ? "" : "s"} in a row (${state.lastError ?? "site trouble"})`
}
