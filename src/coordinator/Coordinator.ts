import { dirname, join } from "node:path"
import { Chunk, Clock, Context, Duration, Effect, FiberSet, Layer, Option, Queue, Ref } from "effect"
import { AppConfig } from "../config/AppConfig.ts"
import type { Job } from "../jobs/Job.ts"
import { Pipeline, type PipelineError } from "../pipeline/Pipeline.ts"
import type { StoryReport } from "../pipeline/StoryReport.ts"
import { holdOwnerLock, isOwnerAlive, ownerLockFile, removeDeadOwnerLocks, thisInstance } from "../process/ownership.ts"
import { type JobScope, Store, type StoreError } from "../store/Store.ts"
import { type Activity, fullSites, hasFreeWorker, jobEnded, jobStarted, nextSites, runningTotal } from "./dispatch.ts"
import { schedulingPolicy, type SchedulingPolicy } from "./policy.ts"
import { runJob } from "./runJob.ts"
import { Notifier } from "../notify/Notifier.ts"

// Which due job runs where and when. Each site has its own slots (one unless configured), all
// sites share `max_workers`, and a job takes a slot only once its site is free, so a job
// waiting for its site never holds one. Between runs it sleeps until the earliest stored
// `next_attempt_at` or breaker end, a finished job, or a job added meanwhile.

type CoordinatorError = PipelineError | StoreError

export class Coordinator extends Context.Service<Coordinator, {
  /**
   * Runs what is due now and what becomes due while it runs, then returns what each story came
   * to: one report per story, its last (a story retried within the run is reported once).
   */
  readonly drain: Effect.Effect<ReadonlyArray<StoryReport>, CoordinatorError>
  /**
   * The same, and also waits for retries that fall due before `deadline` (epoch ms); with
   * `scope`, only those jobs run.
   */
  drainUntil(deadline: number, scope?: JobScope): Effect.Effect<ReadonlyArray<StoryReport>, CoordinatorError>
  /** Runs jobs as they become due, until interrupted; interrupted jobs go back to the queue. */
  readonly run: Effect.Effect<never, CoordinatorError>
  /** A job was added in this process: look again now. */
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
      yield* recover
      const running = yield* FiberSet.make<void, CoordinatorError>()
      const activity = yield* Ref.make<Activity>(new Map())
      // Each run's report with its story, in the order they finished; only a drain returns them.
      const finished = yield* Ref.make(Chunk.empty<readonly [string, StoryReport]>())
      const seenChange = yield* Ref.make(yield* store.changeCounter)

      const start = (job: Job) =>
        Effect.gen(function* () {
          yield* Ref.update(activity, (sites) => jobStarted(sites, job.site))
          const began = yield* Clock.currentTimeMillis
          const ended = Effect.flatMap(Clock.currentTimeMillis, (end) => Ref.update(activity, (sites) => jobEnded(sites, job.site, end - began)))
          const work = runJob(job, policy).pipe(
            Effect.tap((report) => (until === "never" ? Effect.void : Ref.update(finished, Chunk.append([job.storyKey, report] as const)))),
            // Interrupted, or stopped by what is not the job's fault (no library, no FanFicFare; its
            // failure then ends the whole run through FiberSet.join): the job goes back to the queue.
            Effect.onError(() => store.apply(job.id, { _tag: "Recovered" }).pipe(Effect.ignore)),
            Effect.ensuring(ended),
            // A slot is free: look again. (A failed job needs no look: the run is ending.)
            Effect.andThen(wake),
            Effect.provideContext(services)
          )
          yield* FiberSet.run(running, work)
        })

      // Uninterruptible, so that a claimed job always gets its fiber and never stays marked running.
      const claimAndStart = (site: string) =>
        store.claim(site, thisInstance, scope).pipe(
          Effect.tap((job) => (Option.isSome(job) ? start(job.value) : Effect.void)),
          Effect.map(Option.isSome),
          Effect.uninterruptible
        )

      const dispatch = Effect.gen(function* () {
        const sites = yield* Ref.get(activity)
        if (!hasFreeWorker(sites, policy)) return 0
        const started = yield* Effect.forEach(nextSites(yield* store.dueSites(scope), sites, policy), claimAndStart)
        return started.filter(Boolean).length
      })

      // A drain is over when nothing started, nothing runs and nothing falls due before `until`.
      const drained = (started: number) =>
        Effect.gen(function* () {
          if (until === "never" || started > 0 || runningTotal(yield* Ref.get(activity)) > 0) return false
          const next = yield* store.nextDueAt([], scope)
          return Option.isNone(next) || next.value > until
        })

      // Another process (`add` in a terminal) committed to the store.
      const othersChanged = Effect.sleep(Duration.millis(policy.pollForOthersMs)).pipe(
        Effect.andThen(store.changeCounter),
        Effect.repeat({ until: (change) => Ref.modify(seenChange, (seen) => [change !== seen, change]) })
      )

      // Until a job ends or is added, or the next due job (on a site with a free slot) falls due.
      const pause = Effect.gen(function* () {
        const sites = yield* Ref.get(activity)
        const nextDue = hasFreeWorker(sites, policy) ? yield* store.nextDueAt(fullSites(sites, policy), scope) : Option.none<number>()
        const now = yield* Clock.currentTimeMillis
        const timer = Option.match(nextDue, { onNone: () => Effect.never, onSome: (at) => Effect.sleep(Duration.millis(Math.max(0, at - now))) })
        yield* Effect.raceAllFirst([Queue.take(wakeups), timer, until === "never" ? othersChanged : Effect.never])
      })

      const rounds = Effect.flatMap(dispatch, drained).pipe(
        Effect.tap((done) => (done ? Effect.void : pause)),
        Effect.repeat({ until: (done) => done })
      )
      yield* Effect.raceFirst(rounds, FiberSet.join(running))
      // One report per story: a Map keeps a story where it first finished and its last report.
      return [...new Map(Chunk.toReadonlyArray(yield* Ref.get(finished))).values()]
    }).pipe(Effect.scoped)

  return Coordinator.of({
    drain: loop(0),
    drainUntil: (deadline: number, scope?: JobScope) => loop(deadline, scope),
    run: Effect.andThen(loop("never"), Effect.never),
    wake
  })
})
