import { Effect, Redacted } from "effect"
import type { ConfigFile } from "../config/ConfigSchema.ts"
import { CommandRunner } from "../process/CommandRunner.ts"
import { targetsFromConfig } from "./configuredTargets.ts"
import { makeDelivery } from "./deliver.ts"

// For check-config: one line per notification target, and whether any is unusable. Nothing is sent.
export const checkTargets = Effect.fn("checkTargets")(function* (config: ConfigFile) {
  const { targets, problems } = targetsFromConfig(config.apprise.urls.map(Redacted.value), config.pushbullet)
  const delivery = makeDelivery({
    endpoints: { pushbullet: config.notifications.pushbullet_api, discord: config.notifications.discord_api, telegram: config.notifications.telegram_api },
    timeoutMs: 30_000,
    runner: yield* CommandRunner
  })
  const lines = problems.map((problem) => `notification target ${problem.label}: unusable, ${problem.reason}`)
  for (const target of targets) {
    const verdict = yield* delivery.usable(target).pipe(
      Effect.match({ onSuccess: () => "ok", onFailure: (error) => `unusable, ${error.reason}` })
    )
    lines.push(`notification target ${target.label}: ${verdict}`)
  }
  return { lines, unusable: lines.filter((line) => line.includes(": unusable,")).length }
})
