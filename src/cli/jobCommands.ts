import { Console, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import type { Job } from "../jobs/Job.ts"
import { Store } from "../store/Store.ts"
import { siteOf, storyKeyOf } from "../stories/storyKey.ts"
import { globalOptions, parseUrls } from "./root.ts"
import { storeLayer } from "./runtime.ts"

// `add` and `status` work on the Store alone, so they work whether or not the daemon runs.

export const add = Command.make(
  "add",
  {
    urls: Argument.String("url").pipe(Argument.variadic({ min: 1 })),
    force: Flag.Boolean("force").pipe(Flag.withDescription("download every chapter again"), Flag.withDefault(false))
  },
  Effect.fn("cli.add")(function* ({ urls, force }) {
    const options = yield* globalOptions
    const stories = yield* parseUrls(urls)
    yield* Effect.gen(function* () {
      const store = yield* Store
      for (const url of stories) {
        const { job, merged } = yield* store.request({ storyKey: storyKeyOf(url), url, site: siteOf(url), origin: "manual", force })
        yield* Console.log(merged ? `already queued: ${url} is job ${job.id}` : `queued job ${job.id}: ${url}`)
      }
    }).pipe(Effect.provide(storeLayer(options)))
  })
).pipe(Command.withDescription("Queue stories for the next `once` or the daemon"))

const when = (millis: number | null) => (millis === null ? "-" : new Date(millis).toISOString().replace(/\.\d+Z$/, "Z"))

const jobLine = (job: Job) =>
  `${String(job.id).padStart(5)}  ${job.state.padEnd(8)} ${String(job.attempts).padStart(3)}  ${when(job.nextAttemptAt).padEnd(20)}  ${job.url}` +
  (job.lastError === null ? "" : `  (${job.lastError})`)

export const status = Command.make(
  "status",
  { json: Flag.Boolean("json").pipe(Flag.withDescription("print JSON on stdout"), Flag.withDefault(false)) },
  Effect.fn("cli.status")(function* ({ json }) {
    const options = yield* globalOptions
    yield* Effect.gen(function* () {
      const store = yield* Store
      const jobs = yield* store.jobs()
      if (json) return yield* Console.log(JSON.stringify({ store: store.file, jobs }, null, 2))
      yield* Console.log(`job store: ${store.file}`)
      if (jobs.length === 0) return yield* Console.log("no jobs yet: `automated-fanfic add URL` queues one")
      yield* Console.log("  job  state    try  next attempt          story")
      for (const job of jobs) yield* Console.log(jobLine(job))
    }).pipe(Effect.provide(storeLayer(options)))
  })
).pipe(Command.withDescription("Show the queued, waiting and finished jobs"))
