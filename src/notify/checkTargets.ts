import { Effect, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"
import type { ConfigFile } from "../config/ConfigSchema.ts"
import { CommandRunner } from "../process/CommandRunner.ts"
import { targetsFromConfig } from "./configuredTargets.ts"
import { makeDelivery } from "./deliver.ts"

interface Verdict {
  /** The target as it may be logged. */
  readonly label: string
  /** Why the target cannot be used; absent when it can. */
  readonly unusable?: string
}

// For check-config: one line per notification target, and whether any is unusable. Nothing is sent.
export const checkTargets = Effect.fn("checkTargets")(function* (config: ConfigFile) {
  const { targets, problems } = targetsFromConfig(config.apprise.urls.map(Redacted.value), config.pushbullet)
  const delivery = yield* makeDelivery({
    endpoints: { pushbullet: config.notifications.pushbullet_api, discord: config.notifications.discord_api, telegram: config.notifications.telegram_api },
    timeoutMs: 30_000,
    runner: yield* CommandRunner
  })
  const verdicts = [
    ...problems.map((problem): Verdict => ({ label: problem.label, unusable: problem.reason })),
    ...yield* Effect.forEach(targets, (target) =>
      delivery.usable(target).pipe(Effect.match({ onSuccess: (): Verdict => ({ label: target.label }), onFailure: (error): Verdict => ({ label: target.label, unusable: error.reason }) })))
  ]
  return {
    lines: verdicts.map((verdict) => `notification target ${verdict.label}: ${verdict.unusable === undefined ? "ok" : `unusable, ${verdict.unusable}`}`),
    unusable: verdicts.filter((verdict) => verdict.unusable !== undefined).length
  }
}, Effect.provide(FetchHttpClient.layer))
