import type { ConfigFile } from "../config/ConfigSchema.ts"
import { defaultRetryPolicy, type RetryPolicy } from "../jobs/retryPolicy.ts"
import type { BreakerPolicy } from "../jobs/siteBreaker.ts"

// Everything the Coordinator decides by, from the configuration.
export interface SchedulingPolicy {
  /** How many downloads run at once across all sites ([max_workers]). */
  readonly maxWorkers: number
  /** Downloads from one site at a time; sites not listed get one. */
  readonly siteConcurrency: Readonly<Record<string, number>>
  /** When and how often a failed job is tried again ([retry]). */
  readonly retry: RetryPolicy
  /** When a failing site is paused, and for how long ([sites] breaker_*). */
  readonly breaker: BreakerPolicy
  /** How often the daemon looks for jobs added by another process (`add` from a terminal). */
  readonly pollForOthersMs: number
}

export const schedulingPolicy = (config: ConfigFile): SchedulingPolicy => ({
  maxWorkers: config.max_workers,
  siteConcurrency: config.sites.concurrency,
  retry: defaultRetryPolicy(config.retry),
  breaker: {
    threshold: config.sites.breaker_failures,
    baseCooldownMs: config.sites.breaker_cooldown_minutes * 60_000,
    maxCooldownMs: config.sites.breaker_max_cooldown_minutes * 60_000
  },
  pollForOthersMs: 2_000
})

export const concurrencyOf = (policy: SchedulingPolicy, site: string) => policy.siteConcurrency[site] ?? 1
