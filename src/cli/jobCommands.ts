import { Clock, Console, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { AppConfig } from "../config/AppConfig.ts"
import { storeAndSitesLayer, storeLayer } from "../layers.ts"
import { isAlive } from "../process/alive.ts"
import { healthFileIn, judgeHealth, readHealth } from "../process/daemonHealth.ts"
import { statusJson, statusText } from "../store/statusView.ts"
import { Store } from "../store/Store.ts"
import { queueStories } from "./queueStories.ts"
import { parseUrls } from "./root.ts"

// `add` and `status` work on the Store alone, so they work whether or not the daemon runs.

export const add = Command.make(
  "add",
  {
    urls: Argument.String("url").pipe(Argument.variadic({ min: 1 })),
    force: Flag.Boolean("force").pipe(Flag.withDescription("download every chapter again"), Flag.withDefault(false))
  },
  Effect.fn("cli.add")(function* ({ urls, force }) {
    const stories = yield* parseUrls(urls)
    yield* Effect.gen(function* () {
      for (const { story, job, merged } of yield* queueStories(stories, { origin: "manual", force })) {
        yield* Console.log(merged ? `already queued: ${story.url} is job ${job.id}` : `queued job ${job.id}: ${story.url} (${story.key})`)
      }
    }).pipe(Effect.provide(storeAndSitesLayer))
  })
).pipe(Command.withDescription("Queue stories for the next `once` or the daemon"))

export const status = Command.make(
  "status",
  { json: Flag.Boolean("json").pipe(Flag.withDescription("print JSON on stdout"), Flag.withDefault(false)) },
  Effect.fn("cli.status")(function* ({ json }) {
    const store = yield* Store
    const now = yield* Clock.currentTimeMillis
    const data = {
      file: store.file, now, jobs: yield* store.jobs(), stories: yield* store.stories, sites: yield* store.sites,
      sources: yield* store.sources, watched: yield* store.watchedStories
    }
    const daemonHealth = readHealth(healthFileIn((yield* AppConfig).dataDir))
    const verdict = judgeHealth(daemonHealth, now, isAlive)
    if (json) {
      return yield* Console.log(JSON.stringify({ daemon: { running: verdict.running, healthy: verdict.healthy, ...(verdict.running ? daemonHealth : {}) }, ...statusJson(data) }, null, 2))
    }
    for (const line of [...verdict.lines, ...statusText(data)]) yield* Console.log(line)
  }, Effect.provide(storeLayer))
).pipe(Command.withDescription("Show each site's state, the stories, and the queued, waiting and finished jobs"))
