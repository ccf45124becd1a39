import { Cause, Clock, Duration, Effect, Option, Schedule } from "effect"
import { cappedExponential, delayBeforeRetry } from "../jobs/backoff.ts"

// Keeps a long-running service alive: when it dies of a defect (a bug, an unexpected exception)
// it is restarted after restart_delay, doubling each time, at most max_restart_attempts times in
// a row; a service that then stays up for a while starts its count afresh. Its typed failures
// (a refused login, a missing library) are not defects: they stop the program as before.

type ServiceState = "up" | "restarting" | "failed"

export interface ServiceHealth {
  /** The service, as the daemon's health file and status name it. */
  readonly name: string
  /** Running, waiting to be restarted, or given up on. */
  readonly state: ServiceState
  /** Restarts since the daemon started. */
  readonly restarts: number
  /** The first line of the last defect, if it ever died. */
  readonly lastError: string | null
  /** When it entered this state (epoch ms). */
  readonly since: number
}

interface RestartPolicy {
  /** Deaths in a row that are followed by a restart; the next one is final. */
  readonly maxRestarts: number
  /** The wait before the first restart; each further one in a row waits twice as long. */
  readonly delay: Duration.Duration
  /** Up this long, and the next death counts as the first again. */
  readonly healthyAfter: Duration.Duration
}

class ServiceFailed extends Error {
  readonly _tag = "ServiceFailed"
}

export const supervise = <E, R>(
  name: string,
  service: Effect.Effect<never, E, R>,
  policy: RestartPolicy,
  report: (health: ServiceHealth) => Effect.Effect<void>
): Effect.Effect<never, E, R> => {
  const restartSchedule = cappedExponential(policy.delay).pipe(Schedule.upTo({ times: policy.maxRestarts }))
  const run = (restarts: number, inARow: number): Effect.Effect<never, E, R> =>
    Effect.gen(function* () {
      const started = yield* Clock.currentTimeMillis
      yield* report({ name, state: "up", restarts, lastError: null, since: started })
      return yield* service.pipe(
        Effect.catchCause((cause) => (Cause.hasDies(cause) ? afterDeath(cause, started, restarts, inARow) : Effect.failCause(cause)))
      )
    })

  const afterDeath = (cause: Cause.Cause<E>, started: number, restarts: number, previousInARow: number): Effect.Effect<never, E, R> =>
    Effect.gen(function* () {
      const error = Cause.pretty(cause).split("\n")[0] ?? "unknown defect"
      const now = yield* Clock.currentTimeMillis
      const inARow = now - started >= Duration.toMillis(policy.healthyAfter) ? 1 : previousInARow + 1
      const wait = yield* delayBeforeRetry(restartSchedule, inARow, now)
      if (Option.isNone(wait)) {
        yield* report({ name, state: "failed", restarts, lastError: error, since: now })
        yield* Effect.logError(`${name} failed ${inARow} times in a row and is not restarted again: ${error}`)
        return yield* Effect.die(new ServiceFailed(`${name} failed: ${error}`))
      }
      yield* report({ name, state: "restarting", restarts: restarts + 1, lastError: error, since: now })
      yield* Effect.logWarning(`${name} stopped unexpectedly (${error}); restarting in ${Duration.format(wait.value)} (restart ${inARow} of at most ${policy.maxRestarts} in a row)`)
      yield* Effect.sleep(wait.value)
      return yield* run(restarts + 1, inARow)
    })

  return run(0, 0)
}
