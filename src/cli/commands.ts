import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import { AppConfig } from "../config/AppConfig.ts"
import type { StartOptions } from "../config/GlobalOptions.ts"
import { missingForMail, renderEffectiveConfig } from "../config/renderConfig.ts"
import { FanFicFare } from "../fanficfare/FanFicFare.ts"
import { checkConfigLayer, startLayer } from "../layers.ts"
import { checkTargets } from "../notify/checkTargets.ts"
import { UsageError } from "./CliErrors.ts"
import { daemon, health } from "./daemonCommand.ts"
import { add, status } from "./jobCommands.ts"
import { once } from "./onceCommand.ts"
import { root, startOptions } from "./root.ts"
import { importLibrary, watchOnce } from "./watchCommands.ts"
import { storyCommand } from "./storyCommands.ts"

const checkConfig = Command.make("check-config", {}, () =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    yield* Console.log(renderEffectiveConfig(config))
    for (const warning of config.warnings) yield* Console.error(`warning: ${warning}`)
    // Only now: a missing ini file stops FanFicFare's layer, and the configuration is printed first.
    const fanFicFare = yield* Effect.provide(FanFicFare, FanFicFare.layer)
    yield* Console.error(`FanFicFare ${yield* fanFicFare.version} (${fanFicFare.executable})`)
    const targets = yield* checkTargets(config.values)
    for (const line of targets.lines) yield* Console.error(line)
    if (targets.unusable > 0) {
      return yield* new UsageError({ message: `${targets.unusable} notification target(s) cannot be used; fix or remove them in [apprise] urls / [pushbullet]` })
    }
    const missing = missingForMail(config)
    yield* Console.error(
      missing.length === 0
        ? "configuration OK"
        : `configuration OK; before \`daemon\` or a mailbox \`once\` can run, set: ${missing.join(", ")}`
    )
  }).pipe(Effect.provide(checkConfigLayer))
).pipe(Command.withDescription("Check the configuration, print it with secrets masked, and check FanFicFare and the notification targets"))

// Every command, each run with the global flags and the environment the entry read.
export const cli = (environment: StartOptions["environment"]) =>
  root.pipe(
    Command.withSubcommands([
      daemon,
      once,
      add,
      health,
      status,
      importLibrary,
      watchOnce,
      storyCommand,
      checkConfig
    ]),
    Command.provide((flags) => startLayer(startOptions(flags, environment)))
  )
