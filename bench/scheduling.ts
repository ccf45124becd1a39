// How close the Coordinator gets to the best possible schedule, and what 10,000 queued jobs
// cost in memory. The Pipeline is a stand-in with a fixed latency per site (this measures our
// scheduling, not FanFicFare); the Store is the real SQLite file.
//   node_modules/.bin/node --expose-gc bench/scheduling.ts makespan [maxWorkers=4] [latencyScale=10]
//   node_modules/.bin/node --expose-gc --max-semi-space-size=8 bench/scheduling.ts memory
// (the V8 flag bin/automated-fanfic starts the program with; without it V8's young generation
// alone grows by about 25 MB under load, whatever the queue)
// (two processes, so the memory figure does not carry the first run's garbage)
// Targets (issue 5): makespan ÷ max(largest site's total, total ÷ max_workers) ≤ 1.05, and RSS
// growth ≤ 30 MB with 10,000 jobs queued.
import { NodeServices } from "@effect/platform-node"
import { Duration, Effect, Layer, References } from "effect"
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { storeFile } from "../src/config/dataDir.ts"
import { Coordinator } from "../src/coordinator/Coordinator.ts"
import type { SchedulingPolicy } from "../src/coordinator/policy.ts"
import { defaultRetryPolicy } from "../src/jobs/retryPolicy.ts"
import { render } from "../src/notify/Notification.ts"
import { Notifier } from "../src/notify/Notifier.ts"
import { Pipeline } from "../src/pipeline/Pipeline.ts"
import { Store } from "../src/store/Store.ts"

// Notifications go to the log only: nothing here is delivered.
const loggingNotifier = Layer.succeed(Notifier)({ notify: (notification) => Effect.logInfo(`notification: ${render(notification).title}`) })

// Stand-in identities: these runs never reach a real site, so the host is the site and the URL the key.
const siteOf = (url: string) => new URL(url).hostname
const storyKeyOf = (url: string) => url

const mode = process.argv[2] ?? "makespan"
const maxWorkers = Number(process.argv[3] ?? 4)
// Site latencies are (20 + 4·i) ms × scale: 200–560 ms by default. Each job also costs about
// 3 ms of our own bookkeeping (two SQLite transactions, a dispatch), which is what the ratio
// shows at scale 1; a real FanFicFare run takes seconds.
const latencyScale = Number(process.argv[4] ?? 10)

const policy: SchedulingPolicy = {
  maxWorkers,
  siteConcurrency: {},
  retry: defaultRetryPolicy({ max_normal_retries: 11, hail_mary_enabled: true, hail_mary_wait_hours: 12, nothing_new_rechecks: 3, nothing_new_recheck_minutes: 10 }),
  breaker: { threshold: 2, baseCooldownMs: 300_000, maxCooldownMs: 21_600_000 },
  pollForOthersMs: 2_000
}

// Ten sites with uneven loads (500 jobs) and latencies.
const sites = [120, 90, 70, 50, 50, 40, 30, 25, 15, 10].map((jobs, index) => ({ site: `site${index}.example`, jobs, latencyMs: (20 + 4 * index) * latencyScale }))

const run = (jobsPerSite: ReadonlyArray<{ site: string; jobs: number; latencyMs: number }>, sampleRss: () => void) =>
  Effect.gen(function* () {
    const directory = mkdtempSync(join(tmpdir(), "automated-fanfic-bench-"))
    const latency = new Map(jobsPerSite.map(({ site, latencyMs }) => [site, latencyMs]))
    const pipeline = Layer.succeed(Pipeline)({
      refresh: (url) => Effect.as(Effect.sleep(Duration.millis(latency.get(siteOf(url)) ?? 0)), { url, result: "added", detail: "" })
    })
    const layer = Coordinator.layerWith(policy).pipe(
      Layer.provideMerge(Store.layer(join(directory, "jobs.db"))),
      Layer.provideMerge(pipeline),
      Layer.provideMerge(loggingNotifier),
      Layer.provideMerge(NodeServices.layer),
      // Logging a line per job would measure the console, not the scheduler.
      Layer.provideMerge(Layer.succeed(References.MinimumLogLevel)("None"))
    )
    const result = yield* Effect.gen(function* () {
      const store = yield* Store
      for (const { site, jobs } of jobsPerSite) {
        for (let sid = 1; sid <= jobs; sid++) {
          const url = `http://${site}/s/${sid}`
          yield* store.request({ storyKey: storyKeyOf(url), url, site, origin: "bench", force: false })
        }
      }
      sampleRss()
      const started = performance.now()
      const reports = yield* (yield* Coordinator).drain.pipe(
        Effect.raceFirst(Effect.forever(Effect.andThen(Effect.sleep(Duration.millis(50)), Effect.sync(sampleRss))))
      )
      return { reports: reports.length, makespanMs: performance.now() - started }
    }).pipe(Effect.provide(layer))
    rmSync(directory, { recursive: true, force: true })
    return result
  })

const makespan = Effect.gen(function* () {
  const totals = sites.map(({ jobs, latencyMs }) => jobs * latencyMs)
  const lowerBound = Math.max(...totals, totals.reduce((sum, total) => sum + total, 0) / maxWorkers)
  const scheduling = yield* run(sites, () => undefined)
  console.log(`500 jobs, 10 sites, ${sites[0]?.latencyMs}–${sites[9]?.latencyMs} ms per job, max_workers ${maxWorkers}: makespan ${scheduling.makespanMs.toFixed(0)} ms, lower bound ${lowerBound.toFixed(0)} ms, ratio ${(scheduling.makespanMs / lowerBound).toFixed(3)} (${scheduling.reports} reports)`)
})

// Memory: a running Coordinator with 10,000 jobs queued over 10 sites (20 ms each, so about 200
// jobs a second run during the sample) against the same Coordinator idle over an empty store.
// Queued jobs live in SQLite, not in memory, so the growth should not depend on the queue.
const memory = Effect.gen(function* () {
  const directory = mkdtempSync(join(tmpdir(), "automated-fanfic-bench-"))
  const pipeline = Layer.succeed(Pipeline)({
    refresh: (url) => Effect.as(Effect.sleep(Duration.millis(20)), { url, result: "added", detail: "" })
  })
  const layer = Coordinator.layerWith(policy).pipe(
    Layer.provideMerge(Store.layer(storeFile(directory))),
    Layer.provideMerge(loggingNotifier),
    Layer.provideMerge(pipeline),
    Layer.provideMerge(NodeServices.layer),
    Layer.provideMerge(Layer.succeed(References.MinimumLogLevel)("None"))
  )
  const sampleSeconds = 20
  yield* Effect.gen(function* () {
    const store = yield* Store
    const coordinator = yield* Coordinator
    yield* coordinator.drain
    global.gc?.()
    const baseline = process.memoryUsage().rss
    const idleHeap = process.memoryUsage().heapUsed
    // Queued by `automated-fanfic add` in another process, as a user at a terminal would.
    // `add` checks every link, so these are links of ten sites our own rules read.
    const linkOf = [
      (n: number) => `https://www.fanfiction.net/s/${n}/1/`, (n: number) => `https://www.fictionpress.com/s/${n}/1/`,
      (n: number) => `https://archiveofourown.org/works/${n}`, (n: number) => `https://forums.spacebattles.com/threads/a-story.${n}/`,
      (n: number) => `https://forums.sufficientvelocity.com/threads/a-story.${n}/`, (n: number) => `https://forum.questionablequesting.com/threads/a-story.${n}/`,
      (n: number) => `https://www.alternatehistory.com/forum/threads/a-story.${n}/`, (n: number) => `https://www.royalroad.com/fiction/${n}`,
      (n: number) => `https://www.scribblehub.com/series/${n}/a-story/`, (n: number) => `https://www.fimfiction.net/story/${n}`
    ]
    const urls = linkOf.flatMap((link) => Array.from({ length: 1000 }, (_, index) => link(index + 1)))
    const added = spawnSync(join(import.meta.dirname, "..", "bin", "automated-fanfic"), ["add", ...urls], {
      env: { ...process.env, FFDL_DATA__DIR: directory },
      stdio: ["ignore", "ignore", "inherit"]
    })
    if (added.status !== 0) throw new Error(`add exited with ${added.status}`)
    global.gc?.()
    const queued = process.memoryUsage().rss
    let peak = queued
    const sample = Effect.sync(() => {
      peak = Math.max(peak, process.memoryUsage().rss)
    })
    yield* coordinator.run.pipe(
      Effect.raceFirst(Effect.andThen(Effect.repeat(Effect.andThen(Effect.sleep(Duration.millis(50)), sample), { times: sampleSeconds * 20 }), Effect.void))
    )
    const done = (yield* store.jobs(["done"])).length
    global.gc?.()
    const after = process.memoryUsage()
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1)
    console.log(`10,000 jobs queued, ${done} run in ${sampleSeconds} s: RSS idle ${mb(baseline)} MB, queued ${mb(queued)} MB, ` +
      `peak while running ${mb(peak)} MB, growth ${mb(peak - baseline)} MB; after a GC: RSS ${mb(after.rss)} MB, heap used ${mb(after.heapUsed)} MB (idle: ${mb(idleHeap)} MB)`)
  }).pipe(Effect.provide(layer))
  rmSync(directory, { recursive: true, force: true })
})

Effect.runPromise(mode === "memory" ? memory : makespan)
