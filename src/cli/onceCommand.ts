import { Clock, Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { Coordinator } from "../coordinator/Coordinator.ts"
import type { Job } from "../jobs/Job.ts"
import { daemonLayer, jobRunnerLayer } from "../layers.ts"
import { ImapSource } from "../mail/ImapSource.ts"
import { isFailure, reportLine, type StoryReport, summaryCounts, summaryLine } from "../pipeline/StoryReport.ts"
import { Store } from "../store/Store.ts"
import type { StoryUrl } from "../stories/StoryUrl.ts"
import { Watch } from "../watch/Watch.ts"
import { startWeb } from "../web/startWeb.ts"
import { StoriesFailed, UsageError } from "./CliErrors.ts"
import { queueStories } from "./queueStories.ts"
import { parseUrls } from "./root.ts"
import { parseWaitDuration } from "./waitDuration.ts"

// A single pass for cron and CI. Every path goes through the Store and the Coordinator, so each
// story gets its history, notifications, `status` entry and retries, and one story's failure
// never stops the others.

const finish = (reports: ReadonlyArray<StoryReport>, json: boolean) =>
  Effect.gen(function* () {
    if (json) yield* Console.log(JSON.stringify({ summary: summaryCounts(reports), stories: reports }, null, 2))
    else for (const line of [...reports.map(reportLine), summaryLine(reports)]) yield* Console.log(line)
    const failed = reports.filter(isFailure).length
    if (failed > 0) return yield* new StoriesFailed({ failed })
  })

const checkMailOnce = Effect.gen(function* () {
  const source = yield* ImapSource
  if (!source.configured) return yield* Effect.logInfo("no [email] server configured: the mailbox is not checked")
  const summary = yield* source.checkOnce
  yield* Effect.logInfo(`mailbox checked: ${summary.messages} new message(s), ${summary.queued} new job(s)`)
})

// A job this run did not start: another process has it, or its site is paused.
const notRun = Effect.fn("once.notRun")(function* (job: Job) {
  const store = yield* Store
  const now = (yield* store.job(job.id)) ?? job
  const site = yield* store.site(job.site)
  const detail = now.state === "running"
    ? `another automated-fanfic process is downloading it now (job ${job.id}); see \`status\``
    : site.openUntil !== null
      ? `${job.site} is paused until ${new Date(site.openUntil).toISOString()} after repeated refusals; job ${job.id} stays ${now.state} (\`status\` shows it; the daemon or a later \`once\` runs it)`
      : `job ${job.id} is ${now.state}; \`status\` shows it`
  return { url: job.url, storyKey: job.storyKey, result: "failed", detail, retryable: true } satisfies StoryReport
})

// With --url: those stories become jobs (a waiting retry of one runs now), and exactly those run.
const runStories = (links: ReadonlyArray<StoryUrl>, json: boolean, waitMs: number) =>
  Effect.gen(function* () {
    yield* startWeb({ mode: "once", wake: Effect.void })
    const store = yield* Store
    const queued = yield* queueStories(links, { origin: "once", force: false })
    for (const { job } of queued) if (job.state === "waiting") yield* store.apply(job.id, { _tag: "RetryNow" })
    const jobs = [...new Map(queued.map(({ job }) => [job.id, job])).values()]
    const deadline = (yield* Clock.currentTimeMillis) + waitMs
    const reports = yield* (yield* Coordinator).drainUntil(deadline, jobs.map((job) => job.id))
    const reported = new Set(reports.map((report) => report.storyKey))
    const missed = yield* Effect.forEach(jobs.filter((job) => !reported.has(job.storyKey)), notRun)
    yield* finish([...reports, ...missed], json)
  }).pipe(Effect.scoped)

// The watch sources whose time has come (import, library sweep, reading lists, feeds) queue their jobs.
const runDueWatchSources = Effect.gen(function* () {
  for (const outcome of yield* (yield* Watch).pass({ all: false })) {
    if (outcome.error === null) yield* Effect.logInfo(`${outcome.source}: ${outcome.found} found, ${outcome.jobIds.length} job(s) queued`)
    else yield* Effect.logWarning(`${outcome.source}: ${outcome.error}`)
  }
})

// Without --url: check the mailbox and the due watch sources once, then run every due job in the
// store (and, with --wait-retries, the retries that fall due within that time).
const runQueue = (json: boolean, waitMs: number) =>
  Effect.gen(function* () {
    yield* startWeb({ mode: "once", wake: Effect.void })
    yield* checkMailOnce
    yield* runDueWatchSources
    const reports = yield* (yield* Coordinator).drainUntil((yield* Clock.currentTimeMillis) + waitMs)
    yield* finish(reports, json)
  }).pipe(Effect.scoped)

export const once = Command.make(
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
    if (createLibrary && Option.isNone(library)) {
      return yield* new UsageError({ message: "--create-library needs --library DIR: it never creates a library at a configured path" })
    }
    const waitMs = Option.isNone(waitRetries) ? 0 : parseWaitDuration(waitRetries.value)
    if (waitMs === undefined) {
      return yield* new UsageError({ message: `--wait-retries=${Option.getOrElse(waitRetries, () => "")}: give a time such as 90s, 30m, 2h or 1d` })
    }
    const choice = { path: Option.getOrUndefined(library), createLibrary }
    if (url.length === 0) return yield* runQueue(json, waitMs).pipe(Effect.provide(daemonLayer(choice)))
    const links = yield* parseUrls(url)
    yield* runStories(links, json, waitMs).pipe(Effect.provide(jobRunnerLayer(choice)))
  })
).pipe(Command.withDescription("Run a single pass and exit: refresh the given stories, or check the mailbox once and run every due job"))
