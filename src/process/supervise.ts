import { Cause, Clock, Duration, Effect } from "effect"

// Keeps a long-running service alive: when it dies of a defect (a bug, an unexpected exception)
// it is restarted after restart_delay, doubling each time, at most max_restart_attempts times in
// a row; a service that then stays up for a while starts its count afresh. Its typed failures
// (a refused login, a missing library) are not defects: they stop the program as before.

export type ServiceState = "up" | "restarting" | "failed"

export interface ServiceHealth {
  readonly name: string
  readonly state: ServiceState
  readonly restarts: number
  readonly lastError: string | null
  readonly since: number
}

export interface RestartPolicy {
  readonly maxRestarts: number
  readonly delay: Duration.Duration
  // Up this long, and the next death counts as the first again.
  readonly healthyAfter: Duration.Duration
}

export class ServiceFailed extends Error {
  readonly _tag = "ServiceFailed"
}

export const supervise = <E, R>(
  name: string,
  service: Effect.Effect<never, E, R>,
  policy: RestartPolicy,
  report: (health: ServiceHealth) => Effect.Effect<void>
): Effect.Effect<never, E, R> => {
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
      if (inARow > policy.maxRestarts) {
        yield* report({ name, state: "failed", restarts, lastError: error, since: now })
        yield* Effect.logError(`${name} failed ${inARow} times in a row and is not restarted again: ${error}`)
        return yield* Effect.die(new ServiceFailed(`${name} failed: ${error}`))
      }
      yield* report({ name, state: "restarting", restarts: restarts + 1, lastError: error, since: now })
      const wait = Duration.times(policy.delay, 2 ** (inARow - 1))
      yield* Effect.logWarning(`${name} stopped unexpectedly (${error}); restarting in ${Duration.format(wait)} (restart ${inARow} of at most ${policy.maxRestarts} in a row)`)
      yield* Effect.sleep(wait)
      return yield* run(restarts + 1, inARow)
    })

  return run(0, 0)
}
