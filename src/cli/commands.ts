import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import { AppConfig } from "../config/AppConfig.ts"
import { FanFicFare } from "../fanficfare/FanFicFare.ts"
import { checkTargets } from "../notify/checkTargets.ts"
import { UsageError } from "./CliErrors.ts"
import { daemon, health } from "./daemonCommand.ts"
import { add, status } from "./jobCommands.ts"
import { once } from "./onceCommand.ts"
import { missingForMail, renderEffectiveConfig } from "./renderConfig.ts"
import { globalOptions, root } from "./root.ts"
import { configLayer, fanFicFareLayer } from "./runtime.ts"
import { importLibrary, watchOnce } from "./watchCommands.ts"
import { storyCommand } from "./storyCommands.ts"

const checkConfig = Command.make("check-config", {}, () =>
  Effect.gen(function* () {
    const options = yield* globalOptions
    const config = yield* Effect.provide(AppConfig, configLayer(options))
    yield* Console.log(renderEffectiveConfig(config))
    for (const warning of config.warnings) yield* Console.error(`warning: ${warning}`)
    const fanFicFare = yield* Effect.provide(FanFicFare, fanFicFareLayer(options))
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
  })
).pipe(Command.withDescription("Check the configuration, print it with secrets masked, and check FanFicFare and the notification targets"))

export const cli = root.pipe(
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
  ])
)
