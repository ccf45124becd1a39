import { Duration, Effect, PubSub, Schedule, Stream } from "effect"
import { Sse } from "effect/encoding"
import { Store } from "../store/Store.ts"
import type { HistoryItem } from "../store/entities.ts"

// Live history as Server-Sent Events. The Store is the source of every event, whoever wrote it
// (this process, `add` in another terminal, `once`): one poller notices new rows and wakes the
// streams, and each stream reads the rows after the last one it sent. A slow client or a
// reconnect therefore never loses an event (Last-Event-ID), and memory does not grow with it.

const pollEvery = Duration.millis(200)
const keepAliveEvery = Duration.seconds(15)
const batch = 500
// How long a browser waits before it reconnects on its own.
const reconnectAfter = new Sse.Retry({ duration: Duration.seconds(2), lastEventId: undefined })

const sseMessage = (item: HistoryItem) => Sse.encoder.write({ _tag: "Event", id: String(item.id), event: "history", data: JSON.stringify(item) })

export const makeLiveEvents = Effect.gen(function* () {
  const store = yield* Store
  // A wake-up, not the events: a stream that misses one still reads everything from the Store.
  const ticks = yield* PubSub.sliding<void>(1)
  let newest = yield* store.lastEventId
  yield* Effect.forkScoped(
    Effect.gen(function* () {
      const latest = yield* store.lastEventId
      if (latest > newest) {
        newest = latest
        yield* PubSub.publish(ticks, undefined)
      }
    }).pipe(
      Effect.catch((error) => Effect.logWarning(`live events: ${error.message}`)),
      Effect.repeat(Schedule.spaced(pollEvery))
    )
  )

  // Everything after `since`, then each new event as it is recorded. Without `since`, only new ones.
  const stream = (since: number | undefined) =>
    Stream.unwrap(Effect.gen(function* () {
      const subscription = yield* PubSub.subscribe(ticks)
      let last = since ?? (yield* store.lastEventId)
      const unsent = Effect.gen(function* () {
        const sent: Array<string> = []
        while (true) {
          const rows = yield* store.eventsAfter(last, batch)
          for (const row of rows) sent.push(sseMessage(row))
          last = rows.at(-1)?.id ?? last
          if (rows.length < batch) return sent
        }
      }).pipe(Effect.orDie)
      const events = Stream.concat(Stream.succeed(undefined), Stream.fromSubscription(subscription)).pipe(
        Stream.mapEffect(() => unsent),
        Stream.flattenIterable
      )
      const keepAlive = Stream.tick(keepAliveEvery).pipe(Stream.map(() => ": keep-alive\n\n"))
      return Stream.concat(Stream.succeed(Sse.encoder.write(reconnectAfter)), Stream.merge(events, keepAlive)).pipe(Stream.encodeText)
    }))

  return { stream }
})
