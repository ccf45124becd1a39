import { dirname, join } from "node:path"
import { Clock, Context, Deferred, Duration, Effect, FiberMap, Layer, Option, Queue } from "effect"
import { AppConfig } from "../config/AppConfig.ts"
import type { Job } from "../jobs/Job.ts"
import { Pipeline, type PipelineError } from "../pipeline/Pipeline.ts"
import type { StoryReport } from "../pipeline/StoryReport.ts"
import { holdOwnerLock, isOwnerAlive, ownerLockFile, removeDeadOwnerLocks, thisInstance } from "../process/ownership.ts"
import { type JobScope, Store, type StoreError } from "../store/Store.ts"
import { pickSlots, type SiteLoad } from "./dispatch.ts"
import { concurrencyOf, schedulingPolicy, type SchedulingPolicy } from "./policy.ts"
import { runJob } from "./runJob.ts"
import { Notifier } from "../notify/Notifier.ts"

// Which due job runs where and when. Each site has its own slots (one unless configured), all
// sites share `max_workers`, and a job takes a slot only once its site is free, so a job
// waiting for its site never holds one. Between runs it sleeps until the earliest stored
// `next_attempt_at` or breaker end, a finished job, or a job added meanwhile.

export type CoordinatorError = PipelineError | StoreError

export class Coordinator extends Context.Service<Coordinator, {
  // Runs what is due now and what becomes due while it runs, then returns what each story came
  // to: one report per story, its last (a story retried within the run is reported once).
  readonly drain: Effect.Effect<ReadonlyArray<StoryReport>, CoordinatorError>
  // The same, and also waits for retries that fall due before `deadline` (epoch ms); with
  // `scope`, only those jobs run.
  drainUntil(deadline: number, scope?: JobScope): Effect.Effect<ReadonlyArray<StoryReport>, CoordinatorError>
  // Runs jobs as they become due, until interrupted; interrupted jobs go back to the queue.
  readonly run: Effect.Effect<never, CoordinatorError>
  // A job was added in this process: look again now.
  readonly wake: Effect.Effect<void>
}>()("automated-fanfic/coordinator/Coordinator") {
  static readonly layer = Layer.effect(
    Coordinator,
    Effect.gen(function* () {
      const config = yield* AppConfig
      return yield* make(schedulingPolicy(config.values))
    })
  )

  static readonly layerWith = (policy: SchedulingPolicy) => Layer.effect(Coordinator, make(policy))
}

const make = Effect.fnUntraced(function* (policy: SchedulingPolicy) {
  const store = yield* Store
  const pipeline = yield* Pipeline
  const services = Context.make(Store, store).pipe(Context.add(Pipeline, pipeline), Context.add(Notifier, yield* Notifier))
  // Jobs this process runs are its own for as long as it holds its lock among the owners.
  const owners = join(dirname(store.file), "owners")
  yield* holdOwnerLock(ownerLockFile(owners, "", thisInstance))
  const wakeups = yield* Queue.sliding<void>(1)
  const wake = Queue.offer(wakeups, undefined).pipe(Effect.asVoid)

  const recover = Effect.gen(function* () {
    const recovered = yield* store.recoverRunning(isOwnerAlive(owners, ""))
    if (recovered > 0) yield* Effect.logInfo(`${recovered} job(s) interrupted earlier are queued again`)
    yield* Effect.sync(() => removeDeadOwnerLocks(owners, ""))
  })

  // until: "never" runs for good; a time returns once nothing runs and nothing falls due before it.
  const loop = (until: number | "never", scope?: JobScope) =>
    Effect.gen(function* () {
      const untilIdle = until !== "never"
      yield* recover
      // By story, in the order they first finished; a retry's report replaces the earlier one.
      const reports = new Map<string, StoryReport>()
      const running = yield* FiberMap.make<string>()
      const fatal = yield* Deferred.make<never, CoordinatorError>()
      // Slots in use per site, and each site's mean run time, which orders the sites by work left.
      const busySlots = new Map<string, Set<number>>()
      const meanRunMs = new Map<string, number>()
      let lastChange = yield* store.changeCounter

      const start = (job: Job) =>
        Effect.gen(function* () {
          const slots = busySlots.get(job.site) ?? new Set<number>()
          busySlots.set(job.site, slots)
          let slot = 0
          while (slots.has(slot)) slot++
          slots.add(slot)
          const began = yield* Clock.currentTimeMillis
          const finished = Effect.gen(function* () {
            slots.delete(slot)
            const took = (yield* Clock.currentTimeMillis) - began
            meanRunMs.set(job.site, 0.7 * (meanRunMs.get(job.site) ?? took) + 0.3 * took)
            yield* wake
          })
          const work = runJob(job, policy).pipe(
            Effect.tap((report) => Effect.sync(() => reports.set(job.storyKey, report))),
            Effect.onInterrupt(() => store.apply(job.id, { _tag: "Recovered" }).pipe(Effect.ignore)),
            // Not the job's fault (no library, no FanFicFare): the job goes back to the queue and the run stops.
            Effect.catch((error) =>
              store.apply(job.id, { _tag: "Recovered" }).pipe(Effect.ignore, Effect.andThen(Deferred.fail(fatal, error)))),
            Effect.ensuring(finished),
            Effect.provideContext(services)
          )
          yield* FiberMap.run(running, `${job.site}#${slot}`, work)
        })

      const dispatch = Effect.gen(function* () {
        const inUse = [...busySlots.values()].reduce((sum, slots) => sum + slots.size, 0)
        if (inUse >= policy.maxWorkers) return 0
        // A site not seen yet is assumed typical, so it neither jumps the queue nor starves.
        const known = [...meanRunMs.values()]
        const typicalRunMs = known.length === 0 ? 1 : known.reduce((sum, ms) => sum + ms, 0) / known.length
        const loads: Array<SiteLoad> = (yield* store.dueSites(scope)).map(({ site, due }) => ({
          site,
          due,
          running: busySlots.get(site)?.size ?? 0,
          limit: concurrencyOf(policy, site),
          meanRunMs: meanRunMs.get(site) ?? typicalRunMs
        }))
        let started = 0
        for (const site of pickSlots(loads, policy.maxWorkers - inUse)) {
          const job = yield* store.claim(site, thisInstance, scope)
          if (Option.isNone(job)) continue
          yield* start(job.value)
          started++
        }
        return started
      })

      const othersChanged = Effect.gen(function* () {
        while (true) {
          yield* Effect.sleep(Duration.millis(policy.pollForOthersMs))
          const change = yield* store.changeCounter
          if (change !== lastChange) {
            lastChange = change
            return
          }
        }
      })

      const pause = Effect.gen(function* () {
        const full = [...busySlots.entries()].filter(([site, slots]) => slots.size >= concurrencyOf(policy, site)).map(([site]) => site)
        const inUse = [...busySlots.values()].reduce((sum, slots) => sum + slots.size, 0)
        const nextDue = inUse >= policy.maxWorkers ? Option.none<number>() : yield* store.nextDueAt(full, scope)
        const now = yield* Clock.currentTimeMillis
        const timer = Option.match(nextDue, { onNone: () => Effect.never, onSome: (at) => Effect.sleep(Duration.millis(Math.max(0, at - now))) })
        yield* Effect.raceAllFirst([Queue.take(wakeups), timer, untilIdle ? Effect.never : othersChanged, Deferred.await(fatal)])
      })

      while (true) {
        if (yield* Deferred.isDone(fatal)) return yield* Deferred.await(fatal)
        const started = yield* dispatch
        if (untilIdle && started === 0 && (yield* FiberMap.size(running)) === 0) {
          const next = yield* store.nextDueAt([], scope)
          if (Option.isNone(next) || next.value > until) return [...reports.values()]
        }
        yield* pause
      }
    }).pipe(Effect.scoped)

  return Coordinator.of({
    drain: loop(0),
    drainUntil: (deadline: number, scope?: JobScope) => loop(deadline, scope),
    run: Effect.andThen(loop("never"), Effect.never),
    wake
  })
})
