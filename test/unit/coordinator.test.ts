import { describe, expect, it } from "@effect/vitest"
import { NodeServices } from "@effect/platform-node"
import { Clock, Duration, Effect, Fiber, Layer, Scheduler } from "effect"
import { TestClock } from "effect/testing"
import { mkdtempSync } from "node:fs"
import { join } from "node:path"
import { Coordinator } from "../../src/coordinator/Coordinator.ts"
import type { SchedulingPolicy } from "../../src/coordinator/policy.ts"
import { FanFicFareUnavailable } from "../../src/fanficfare/FanFicFare.ts"
import { defaultRetryPolicy } from "../../src/jobs/retryPolicy.ts"
import { Pipeline } from "../../src/pipeline/Pipeline.ts"
import type { StoryReport } from "../../src/pipeline/StoryReport.ts"
import { Store } from "../../src/store/Store.ts"
import { fixedRandom } from "../support/random.ts"
import type { Notification } from "../../src/notify/Notification.ts"
import { Notifier } from "../../src/notify/Notifier.ts"
import { scratchFolder } from "../support/scratch.ts"

const scratch = scratchFolder("automated-fanfic-coordinator-")

// Stand-in identities: these runs never reach a real site, so the host is the site and the URL the key.
const siteOf = (url: string) => new URL(url).hostname
const storyKeyOf = (url: string) => url

// The Coordinator's own logic against a scripted Pipeline and TestClock; the real FanFicFare
// and calibredb drive it in test/integration.

const policy = (overrides: Partial<SchedulingPolicy> = {}): SchedulingPolicy => ({
  maxWorkers: 2,
  siteConcurrency: {},
  retry: defaultRetryPolicy({ max_normal_retries: 3, hail_mary_enabled: true, hail_mary_wait_hours: 1, nothing_new_rechecks: 2, nothing_new_recheck_minutes: 10 }),
  breaker: { threshold: 2, baseCooldownMs: 5 * 60_000, maxCooldownMs: 60 * 60_000 },
  pollForOthersMs: 2_000,
  ...overrides
})

interface Run {
  readonly url: string
  readonly start: number
  end: number
}

// A Pipeline that takes `took` of (test) time per story and answers what `script` says.
const scripted = (runs: Array<Run>, script: (url: string) => Effect.Effect<StoryReport, FanFicFareUnavailable>, took = Duration.seconds(10)) =>
  Layer.succeed(Pipeline)({
    refresh: (url) =>
      Effect.gen(function* () {
        const run: Run = { url, start: yield* Clock.currentTimeMillis, end: -1 }
        runs.push(run)
        yield* Effect.sleep(took)
        const report = yield* script(url)
        run.end = yield* Clock.currentTimeMillis
        return report
      })
  })

const storeFile = () => join(mkdtempSync(join(scratch, "store-")), "jobs.db")

const recording = (notified: Array<Notification>) => Layer.succeed(Notifier)({ notify: (notification) => Effect.sync(() => void notified.push(notification)) })

const services = (file: string, pipeline: Layer.Layer<Pipeline>, schedule: SchedulingPolicy, notified: Array<Notification> = []) =>
  Coordinator.layerWith(schedule).pipe(
    Layer.provideMerge(Store.layer(file)), Layer.provideMerge(pipeline), Layer.provideMerge(recording(notified)), Layer.provideMerge(NodeServices.layer),
    Layer.provideMerge(Layer.succeed(Scheduler.PreventSchedulerYield)(true))
  )

const add = (...urls: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const store = yield* Store
    for (const url of urls) yield* store.request({ storyKey: storyKeyOf(url), url, site: siteOf(url), origin: "manual", force: false })
  })

const failing = (url: string, siteTrouble = true): StoryReport => ({ url, result: "failed", detail: "HTTP Error 503", retryable: true, siteTrouble })
const added = (url: string): StoryReport => ({ url, result: "added", detail: "written" })

// Deterministic without counting yields: the Coordinator never yields to the scheduler of its own
// accord (PreventSchedulerYield in `services`) and `started` runs it at once, so its first pass
// is over when `started` returns; from then on TestClock.adjust wakes the sleeps in time order
// and, before waking the next, waits until every fiber the last wake resumed or forked is
// waiting again.
const started = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.forkChild(effect, { startImmediately: true })

const minute = 60_000
const startsOf = (runs: ReadonlyArray<Run>) => runs.map((run) => run.start / minute)

describe("Coordinator retries on the test clock", () => {
  it.effect("attempts at the policy's exact times, the Hail-Mary an hour later, then failed; a restart in between keeps the times", () =>
    Effect.gen(function* () {
      const file = storeFile()
      const runs: Array<Run> = []
      const pipeline = scripted(runs, (url) => Effect.succeed(failing(url, false)), Duration.seconds(0))
      const notified: Array<Notification> = []
      const daemon = (work: Effect.Effect<void, unknown, Coordinator | Store>) => work.pipe(Effect.provide(services(file, pipeline, policy(), notified)), fixedRandom(0.5))

      // First process: the first try, and the retry one minute later.
      yield* daemon(Effect.gen(function* () {
        yield* add("http://test1.com?sid=1")
        const fiber = yield* started((yield* Coordinator).run)
        yield* TestClock.adjust(Duration.minutes(2))
        yield* Fiber.interrupt(fiber)
      }))
      expect(startsOf(runs)).toEqual([0, 1])

      // Second process: it picks up the stored time, 2 minutes after the second try.
      yield* daemon(Effect.gen(function* () {
        const fiber = yield* started((yield* Coordinator).run)
        yield* TestClock.adjust(Duration.minutes(80))
        const jobs = yield* (yield* Store).jobs()
        yield* Fiber.interrupt(fiber)
        expect(jobs).toEqual([expect.objectContaining({ state: "failed", attempts: 5, lastError: "HTTP Error 503 (gave up after 5 tries)" })])
      }))
      // 0, +1, +2, +4 minutes, then the Hail-Mary an hour after the last normal retry.
      expect(startsOf(runs)).toEqual([0, 1, 3, 7, 67])
      // Retries are not news; giving up is.
      expect(notified).toEqual([
        expect.objectContaining({ _tag: "HailMaryScheduled", at: 67 * minute, reason: "HTTP Error 503" }),
        expect.objectContaining({ _tag: "FailedForGood", reason: "HTTP Error 503 (gave up after 5 tries)" })
      ])
    }))

  it.effect("drainUntil also runs the retries that fall due before its deadline, and no later ones", () =>
    Effect.gen(function* () {
      const runs: Array<Run> = []
      const pipeline = scripted(runs, (url) => Effect.succeed(failing(url, false)), Duration.seconds(0))
      const reports = yield* Effect.gen(function* () {
        yield* add("http://a.com?sid=1")
        const fiber = yield* started((yield* Coordinator).drainUntil(2 * minute))
        yield* TestClock.adjust(Duration.minutes(10))
        return yield* Fiber.join(fiber)
      }).pipe(Effect.provide(services(storeFile(), pipeline, policy())), fixedRandom(0.5))
      // Tries at 0 and 1 minute; the next one (3 minutes) is after the deadline and stays queued.
      expect(startsOf(runs)).toEqual([0, 1])
      // One story, one report: its last try's.
      expect(reports).toEqual([expect.objectContaining({ url: "http://a.com?sid=1", storyKey: "http://a.com?sid=1", result: "failed" })])
    }))

  it.effect("a story retried within a drain is reported once, with its final outcome", () =>
    Effect.gen(function* () {
      const runs: Array<Run> = []
      const pipeline = scripted(runs, (url) => Effect.succeed(runs.length === 1 ? failing(url, false) : added(url)), Duration.seconds(0))
      const reports = yield* Effect.gen(function* () {
        yield* add("http://a.com?sid=1")
        const fiber = yield* started((yield* Coordinator).drainUntil(5 * minute))
        yield* TestClock.adjust(Duration.minutes(10))
        return yield* Fiber.join(fiber)
      }).pipe(Effect.provide(services(storeFile(), pipeline, policy())), fixedRandom(0.5))
      expect(startsOf(runs)).toEqual([0, 1])
      expect(reports).toEqual([expect.objectContaining({ url: "http://a.com?sid=1", result: "added" })])
    }))

  it.effect("a drain with a scope runs only those jobs and leaves the others queued", () =>
    Effect.gen(function* () {
      const runs: Array<Run> = []
      const pipeline = scripted(runs, (url) => Effect.succeed(added(url)), Duration.seconds(0))
      const { reports, jobs } = yield* Effect.gen(function* () {
        const store = yield* Store
        yield* add("http://a.com?sid=1", "http://b.com?sid=2", "http://a.com?sid=3")
        const wanted = (yield* store.jobs()).filter((job) => job.url !== "http://b.com?sid=2").map((job) => job.id)
        const reports = yield* (yield* Coordinator).drainUntil(0, wanted)
        return { reports, jobs: yield* store.jobs() }
      }).pipe(Effect.provide(services(storeFile(), pipeline, policy())))
      expect(runs.map((run) => run.url).sort()).toEqual(["http://a.com?sid=1", "http://a.com?sid=3"])
      expect(reports).toHaveLength(2)
      expect(jobs.map((job) => [job.url, job.state])).toEqual([
        ["http://a.com?sid=1", "done"], ["http://b.com?sid=2", "queued"], ["http://a.com?sid=3", "done"]
      ])
    }))

  it.effect("nothing new after an email is rechecked twice, ten minutes apart", () =>
    Effect.gen(function* () {
      const runs: Array<Run> = []
      const pipeline = scripted(runs, (url) => Effect.succeed({ url, result: "unchanged", detail: "already has 3 chapters" }), Duration.seconds(0))
      yield* Effect.gen(function* () {
        const store = yield* Store
        yield* store.request({ storyKey: "test1.com?sid=5", url: "http://test1.com?sid=5", site: "test1.com", origin: "email:1/9", force: false })
        const fiber = yield* started((yield* Coordinator).run)
        yield* TestClock.adjust(Duration.minutes(45))
        yield* Fiber.interrupt(fiber)
        expect(yield* store.jobs()).toEqual([expect.objectContaining({ state: "done", attempts: 3 })])
      }).pipe(Effect.provide(services(storeFile(), pipeline, policy())))
      expect(startsOf(runs)).toEqual([0, 10, 20])
    }))
})

describe("Coordinator scheduling", () => {
  it.effect("never two jobs of one site at once, never more than max_workers, every job run once", () =>
    Effect.gen(function* () {
      const runs: Array<Run> = []
      const urls = ["a", "b", "c"].flatMap((site) => [1, 2, 3].map((sid) => `http://${site}.com?sid=${sid}`))
      const notified: Array<Notification> = []
      const reports = yield* Effect.gen(function* () {
        yield* add(...urls)
        const fiber = yield* started((yield* Coordinator).drain)
        yield* TestClock.adjust(Duration.minutes(5))
        return yield* Fiber.join(fiber)
      }).pipe(Effect.provide(services(storeFile(), scripted(runs, (url) => Effect.succeed(added(url))), policy(), notified)))
      expect(notified.map((notification) => (notification._tag === "StoryAdded" ? notification.story.url : notification._tag)).sort()).toEqual([...urls].sort())
      expect(reports.map((report) => report.url).sort()).toEqual([...urls].sort())
      expect(runs.map((run) => run.url).sort()).toEqual([...urls].sort())
      const overlapping = (a: Run, b: Run) => a.start < b.end && b.start < a.end
      for (const run of runs) {
        const together = runs.filter((other) => overlapping(run, other))
        expect(together.length).toBeLessThanOrEqual(2)
        expect(together.filter((other) => siteOf(other.url) === siteOf(run.url))).toEqual([run])
      }
      // 9 jobs of 10 s, 2 at a time, 3 per site: 50 s is the best possible.
      expect(Math.max(...runs.map((run) => run.end))).toBe(50_000)
    }))

  it.effect("a site allowed two downloads at a time in [sites.concurrency] gets two, never three", () =>
    Effect.gen(function* () {
      const runs: Array<Run> = []
      const urls = [1, 2, 3, 4].map((sid) => `http://a.com?sid=${sid}`)
      yield* Effect.gen(function* () {
        yield* add(...urls)
        const fiber = yield* started((yield* Coordinator).drain)
        yield* TestClock.adjust(Duration.minutes(1))
        yield* Fiber.join(fiber)
      }).pipe(Effect.provide(services(storeFile(), scripted(runs, (url) => Effect.succeed(added(url))), policy({ maxWorkers: 4, siteConcurrency: { "a.com": 2 } }))))
      expect(runs.map((run) => [run.start, run.end])).toEqual([[0, 10_000], [0, 10_000], [10_000, 20_000], [10_000, 20_000]])
    }))

  it.effect("a site that keeps refusing is paused while the others go on, and status can tell", () =>
    Effect.gen(function* () {
      const runs: Array<Run> = []
      const script = (url: string) => Effect.succeed(url.includes("bad.com") ? failing(url) : added(url))
      yield* Effect.gen(function* () {
        const store = yield* Store
        yield* add(...[1, 2, 3, 4].flatMap((sid) => [`http://bad.com?sid=${sid}`, `http://good.com?sid=${sid}`]))
        const fiber = yield* started((yield* Coordinator).drain)
        yield* TestClock.adjust(Duration.minutes(3))
        yield* Fiber.join(fiber)
        const bad = yield* store.site("bad.com")
        expect(bad).toMatchObject({ failures: 2, opens: 1, lastError: "HTTP Error 503" })
        expect(bad.openUntil).toBe(Math.max(...runs.filter((run) => run.url.includes("bad.com")).map((run) => run.end)) + 5 * minute)
        const jobs = yield* store.jobs()
        expect(jobs.filter((job) => job.site === "good.com").map((job) => job.state)).toEqual(["done", "done", "done", "done"])
        expect(jobs.filter((job) => job.site === "bad.com").map((job) => job.attempts)).toEqual([1, 1, 0, 0])
      }).pipe(Effect.provide(services(storeFile(), scripted(runs, script), policy())), fixedRandom(0.5))
    }))

  it.effect("a missing FanFicFare stops the pass and the job goes back to the queue", () =>
    Effect.gen(function* () {
      const unavailable = new FanFicFareUnavailable({ executable: "fanficfare", reason: "not found" })
      const result = yield* Effect.gen(function* () {
        yield* add("http://test1.com?sid=1")
        const fiber = yield* started(Effect.flip((yield* Coordinator).drain))
        yield* TestClock.adjust(Duration.minutes(1))
        const error = yield* Fiber.join(fiber)
        return { error, jobs: yield* (yield* Store).jobs() }
      }).pipe(Effect.provide(services(storeFile(), scripted([], () => Effect.fail(unavailable)), policy())))
      expect(result.error).toBe(unavailable)
      expect(result.jobs).toEqual([expect.objectContaining({ state: "queued", attempts: 0, interruptions: 1 })])
    }))

  it.effect("a bug met while running one story is that job's failed try: the other stories run and the job is retried", () =>
    Effect.gen(function* () {
      const runs: Array<Run> = []
      const pipeline = scripted(runs, (url) => (url.includes("sid=1") && runs.length === 1 ? Effect.die(new Error("boom")) : Effect.succeed(added(url))), Duration.seconds(0))
      const { reports, jobs } = yield* Effect.gen(function* () {
        yield* add("http://a.com?sid=1", "http://b.com?sid=2")
        const fiber = yield* started((yield* Coordinator).drainUntil(5 * minute))
        yield* TestClock.adjust(Duration.minutes(10))
        return { reports: yield* Fiber.join(fiber), jobs: yield* (yield* Store).jobs() }
      }).pipe(Effect.provide(services(storeFile(), pipeline, policy())), fixedRandom(0.5))
      expect(runs.map((run) => [run.url, run.start / minute])).toEqual([["http://a.com?sid=1", 0], ["http://b.com?sid=2", 0], ["http://a.com?sid=1", 1]])
      expect(jobs.map((job) => [job.url, job.state, job.attempts])).toEqual([["http://a.com?sid=1", "done", 2], ["http://b.com?sid=2", "done", 1]])
      expect(reports.map((report) => report.result)).toEqual(["added", "added"])
    }))

  it.effect("stopping the daemon puts its running job back in the queue", () =>
    Effect.gen(function* () {
      const jobs = yield* Effect.gen(function* () {
        yield* add("http://test1.com?sid=1")
        const fiber = yield* started((yield* Coordinator).run)
        yield* TestClock.adjust(Duration.seconds(5))
        yield* Fiber.interrupt(fiber)
        return yield* (yield* Store).jobs()
      }).pipe(Effect.provide(services(storeFile(), scripted([], (url) => Effect.succeed(added(url))), policy())))
      expect(jobs).toEqual([expect.objectContaining({ state: "queued" })])
    }))

  it.effect("the daemon notices a job another process added", () =>
    Effect.gen(function* () {
      const file = storeFile()
      const runs: Array<Run> = []
      const pipeline = scripted(runs, (url) => Effect.succeed(added(url)), Duration.seconds(0))
      yield* Effect.gen(function* () {
        const fiber = yield* started((yield* Coordinator).run)
        yield* TestClock.adjust(Duration.minutes(1))
        // Another connection to the same file, as `automated-fanfic add` in a terminal would open.
        yield* add("http://test1.com?sid=7").pipe(Effect.provide(Store.layer(file)))
        yield* TestClock.adjust(Duration.minutes(1))
        yield* Fiber.interrupt(fiber)
      }).pipe(Effect.provide(services(file, pipeline, policy())))
      expect(runs.map((run) => run.url)).toEqual(["http://test1.com?sid=7"])
    }))
})
