import { Duration, Effect, Option, Pull, Schedule } from "effect"

// The one backoff shape the program waits by: a failed job's retries, the IMAP reconnect and a
// restarted service. Callers add their own jitter and limit.

// Delays that double from `base` and stop growing at `max`.
export const cappedExponential = (base: Duration.Duration, max: Duration.Duration = Duration.infinity): Schedule.Schedule<Duration.Duration> =>
  Schedule.exponential(base, 2).pipe(Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, max))))

// The pause a schedule asks for before retry number `retry` (1 for the first), or none once it
// has given up. Replayed from the count, so a wait that must outlive the process (a job's next
// try) or is decided anew at each failure (a service's restart) needs no schedule kept in memory.
export const delayBeforeRetry = Effect.fnUntraced(function* (schedule: Schedule.Schedule<unknown>, retry: number, now: number) {
  const step = yield* Schedule.toStep(schedule)
  let delay = Option.none<Duration.Duration>()
  for (let done = 0; done < retry; done++) {
    delay = yield* step(now, undefined).pipe(
      Effect.map(([, next]) => Option.some(next)),
      Pull.catchDone(() => Effect.succeed(Option.none<Duration.Duration>()))
    )
    if (Option.isNone(delay)) break
  }
  return delay
})
