import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { AppConfig } from "../config/AppConfig.ts"
import { FanFicFare } from "../fanficfare/FanFicFare.ts"
import { isFailure, reportLine, type StoryReport, summaryLine } from "../pipeline/StoryReport.ts"
import { Pipeline } from "../pipeline/Pipeline.ts"
import type { StoryUrl } from "../stories/StoryUrl.ts"
import { StoriesFailed, UsageError } from "./CliErrors.ts"
import { missingForMail, renderEffectiveConfig } from "./renderConfig.ts"
import { add, status } from "./jobCommands.ts"
import { globalOptions, parseUrls, root } from "./root.ts"
import { configLayer, coordinatorLayer, fanFicFareLayer, loggingLayer, storyLayer } from "./runtime.ts"
import { Coordinator } from "../coordinator/Coordinator.ts"

const checkConfig = Command.make("check-config", {}, () =>
  Effect.gen(function* () {
    const options = yield* globalOptions
    const config = yield* Effect.provide(AppConfig, configLayer(options))
    yield* Console.log(renderEffectiveConfig(config))
    for (const warning of config.warnings) yield* Console.error(`warning: ${warning}`)
    const fanFicFare = yield* Effect.provide(FanFicFare, fanFicFareLayer(options))
    yield* Console.error(`FanFicFare ${fanFicFare.version} (${fanFicFare.executable})`)
    const missing = missingForMail(config)
    yield* Console.error(
      missing.length === 0
        ? "configuration OK"
        : `configuration OK; before \`daemon\` or a mailbox \`once\` can run, set: ${missing.join(", ")}`
    )
  })
).pipe(Command.withDescription("Check the configuration, print it with secrets masked, and check FanFicFare"))

const finish = (reports: ReadonlyArray<StoryReport>, json: boolean) =>
  Effect.gen(function* () {
    yield* json ? Console.log(JSON.stringify({ stories: reports }, null, 2)) : Console.log(summaryLine(reports))
    const failed = reports.filter(isFailure).length
    if (failed > 0) return yield* new StoriesFailed({ failed })
  })

const refreshAll = (urls: ReadonlyArray<StoryUrl>, json: boolean) =>
  Effect.gen(function* () {
    const pipeline = yield* Pipeline
    const reports: Array<StoryReport> = []
    for (const url of urls) {
      yield* Effect.logInfo(`refreshing ${url}`)
      const report = yield* pipeline.refresh(url).pipe(Effect.annotateLogs({ story: url }))
      reports.push(report)
      if (!json) yield* Console.log(reportLine(report))
    }
    yield* finish(reports, json)
  })

// Without --url: every job in the store that is due (from `add`; the mailbox check comes later).
const runQueue = (json: boolean) =>
  Effect.gen(function* () {
    const reports = yield* (yield* Coordinator).drain
    if (!json) for (const report of reports) yield* Console.log(reportLine(report))
    yield* finish(reports, json)
  })

const once = Command.make(
  "once",
  {
    url: Flag.String("url").pipe(
      Flag.withDescription("story URL to download or update now (repeatable); without it, the due jobs in the store run"),
      Flag.atLeast(0)
    ),
    library: Flag.String("library").pipe(
      Flag.withDescription("Calibre library folder or content-server URL (overrides [calibre] path)"),
      Flag.optional
    ),
    createLibrary: Flag.Boolean("create-library").pipe(
      Flag.withDescription("create an empty Calibre library at --library if there is none (for trying the tool out)"),
      Flag.withDefault(false)
    ),
    json: Flag.Boolean("json").pipe(Flag.withDescription("print the results as JSON on stdout"), Flag.withDefault(false))
  },
  Effect.fn("cli.once")(function* ({ url, library, createLibrary, json }) {
    const options = yield* globalOptions
    if (createLibrary && Option.isNone(library)) {
      return yield* new UsageError({ message: "--create-library needs --library DIR: it never creates a library at a configured path" })
    }
    const withLibrary = Option.match(library, {
      onNone: () => undefined,
      onSome: (path) => (config: AppConfig["Service"]) => ({ ...config, values: { ...config.values, calibre: { ...config.values.calibre, path } } })
    })
    const services = storyLayer(options, { createLibrary }, withLibrary)
    if (url.length === 0) {
      return yield* runQueue(json).pipe(Effect.provide(coordinatorLayer(services)), Effect.provide(loggingLayer(options)))
    }
    const urls = yield* parseUrls(url)
    yield* refreshAll(urls, json).pipe(Effect.provide(services), Effect.provide(loggingLayer(options)))
  })
).pipe(Command.withDescription("Run a single pass: refresh the given stories, or every due job in the store, and exit (mailbox checking comes later)"))

// Runs jobs as they become due (from `add` in any terminal) until stopped. Mail intake comes later.
const daemon = Command.make("daemon", {}, () =>
  Effect.gen(function* () {
    const options = yield* globalOptions
    const services = coordinatorLayer(storyLayer(options, { createLibrary: false }))
    yield* Effect.gen(function* () {
      const coordinator = yield* Coordinator
      yield* Effect.logInfo("running jobs as they become due; stop with Ctrl-C or SIGTERM")
      return yield* coordinator.run
    }).pipe(Effect.provide(services), Effect.provide(loggingLayer(options)))
  })
).pipe(Command.withDescription("Run queued jobs as they become due, until stopped (mailbox watching comes later)"))

export const cli = root.pipe(
  Command.withSubcommands([
    daemon,
    once,
    add,
    status,
    checkConfig
  ])
)
