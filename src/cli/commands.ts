import { Clock, Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { AppConfig } from "../config/AppConfig.ts"
import { FanFicFare } from "../fanficfare/FanFicFare.ts"
import { isFailure, reportLine, type StoryReport, summaryCounts, summaryLine } from "../pipeline/StoryReport.ts"
import { Pipeline } from "../pipeline/Pipeline.ts"
import type { StoryUrl } from "../stories/StoryUrl.ts"
import { StoriesFailed, UsageError } from "./CliErrors.ts"
import { missingForMail, renderEffectiveConfig } from "./renderConfig.ts"
import { add, status } from "./jobCommands.ts"
import { daemon, health } from "./daemonCommand.ts"
import { globalOptions, parseUrls, root } from "./root.ts"
import { configLayer, fanFicFareLayer, intakeLayer, loggingLayer, storyLayer } from "./runtime.ts"
import { Coordinator } from "../coordinator/Coordinator.ts"
import { checkTargets } from "../notify/checkTargets.ts"
import { signalsEndCleanly } from "../process/shutdown.ts"
import { parseWaitDuration } from "./waitDuration.ts"
import { ImapSource } from "../mail/ImapSource.ts"
import { startWeb } from "../web/startWeb.ts"

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

const finish = (reports: ReadonlyArray<StoryReport>, json: boolean) =>
  Effect.gen(function* () {
    yield* json ? Console.log(JSON.stringify({ summary: summaryCounts(reports), stories: reports }, null, 2)) : Console.log(summaryLine(reports))
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

const checkMailOnce = Effect.gen(function* () {
  const source = yield* ImapSource
  if (!source.configured) return yield* Effect.logInfo("no [email] server configured: the mailbox is not checked")
  const summary = yield* source.checkOnce
  yield* Effect.logInfo(`mailbox checked: ${summary.messages} new message(s), ${summary.queued} new job(s)`)
})

// Without --url: check the mailbox once, then run every due job in the store (and, with
// --wait-retries, the retries that fall due within that time).
const runQueue = (json: boolean, waitMs: number | undefined) =>
  Effect.gen(function* () {
    yield* startWeb({ mode: "once", wake: Effect.void })
    yield* checkMailOnce
    const coordinator = yield* Coordinator
    const reports = waitMs === undefined ? yield* coordinator.drain : yield* coordinator.drainUntil((yield* Clock.currentTimeMillis) + waitMs)
    if (!json) for (const report of reports) yield* Console.log(reportLine(report))
    yield* finish(reports, json)
  }).pipe(Effect.scoped)

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
    json: Flag.Boolean("json").pipe(Flag.withDescription("print the results as JSON on stdout"), Flag.withDefault(false)),
    waitRetries: Flag.String("wait-retries").pipe(
      Flag.withDescription("also wait for retries that fall due within this time (90s, 30m, 2h; bare: 1h); others stay queued for the next run"),
      Flag.withOptionalValue("1h"),
      Flag.optional
    )
  },
  Effect.fn("cli.once")(function* ({ url, library, createLibrary, json, waitRetries }) {
    const options = yield* globalOptions
    if (createLibrary && Option.isNone(library)) {
      return yield* new UsageError({ message: "--create-library needs --library DIR: it never creates a library at a configured path" })
    }
    const withLibrary = Option.match(library, {
      onNone: () => undefined,
      onSome: (path) => (config: AppConfig["Service"]) => ({ ...config, values: { ...config.values, calibre: { ...config.values.calibre, path } } })
    })
    const waitMs = Option.isNone(waitRetries) ? undefined : parseWaitDuration(waitRetries.value)
    if (Option.isSome(waitRetries) && waitMs === undefined) {
      return yield* new UsageError({ message: `--wait-retries=${waitRetries.value}: give a time such as 90s, 30m, 2h or 1d` })
    }
    if (Option.isSome(waitRetries) && url.length > 0) return yield* new UsageError({ message: "--wait-retries runs the job store; it does not go with --url" })
    const services = storyLayer(options, { createLibrary }, withLibrary)
    if (url.length === 0) {
      return yield* runQueue(json, waitMs).pipe(Effect.provide(intakeLayer(services)), Effect.provide(loggingLayer(options)))
    }
    const urls = yield* parseUrls(url)
    yield* refreshAll(urls, json).pipe(Effect.provide(services), Effect.provide(loggingLayer(options)))
  })
).pipe(Command.withDescription("Run a single pass and exit: refresh the given stories, or check the mailbox once and run every due job"))

export const cli = root.pipe(
  Command.withSubcommands([
    daemon,
    once,
    add,
    health,
    status,
    checkConfig
  ])
)
