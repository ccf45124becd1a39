import { Context, Duration, Effect, Layer, Queue, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"
import { cappedExponential } from "../jobs/backoff.ts"
import { AppConfig } from "../config/AppConfig.ts"
import { CommandRunner } from "../process/CommandRunner.ts"
import { Store } from "../store/Store.ts"
import { type DeliveryFailed, makeDelivery } from "./deliver.ts"
import { type Message, type Notification, render, renderDigest } from "./Notification.ts"
import { targetsFromConfig } from "./configuredTargets.ts"
import type { Target } from "./targets.ts"

// Tells the user what changed, without ever holding up a download: `notify` only queues. Events
// within `digest_seconds` become one message; every target has its own queue and fiber, so a slow
// or failing target delays nobody else; failed deliveries are retried a few times with growing
// pauses; every attempt is written to the history. Labels, never URLs, are logged.

export class Notifier extends Context.Service<Notifier, {
  /** Queues a notification; never waits for its delivery. */
  notify(notification: Notification): Effect.Effect<void>
}>()("automated-fanfic/notify/Notifier") {
  static readonly layer = Layer.effect(
    Notifier,
    Effect.gen(function* () {
      const config = (yield* AppConfig).values
      const settings = config.notifications
      const store = yield* Store
      const { targets, problems } = targetsFromConfig(config.apprise.urls.map(Redacted.value), config.pushbullet)
      for (const problem of problems) yield* Effect.logWarning(`notification target ${problem.label} is not used: ${problem.reason}`)
      const { send: deliver } = yield* makeDelivery({
        endpoints: { pushbullet: settings.pushbullet_api, discord: settings.discord_api, telegram: settings.telegram_api },
        timeoutMs: settings.timeout_seconds * 1000,
        runner: yield* CommandRunner
      })
      const history = (kind: string, detail: string) => store.recordEvent(kind, detail).pipe(Effect.ignore)

      const deliverWithRetries = (target: Target, message: Message) => {
        let attempt = 0
        return Effect.suspend(() => {
          attempt++
          return deliver(target, message).pipe(
            Effect.tapError((error: DeliveryFailed) => history("notification-failed", `${target.label}, try ${attempt}: ${error.reason}`))
          )
        }).pipe(
          Effect.retry({ schedule: cappedExponential(Duration.seconds(2)), times: settings.retries, while: (error) => error.retryable }),
          Effect.matchEffect({
            onSuccess: () => history("notification-sent", `${target.label}: ${message.title}`),
            onFailure: (error) =>
              Effect.logWarning(`${error.message}; gave up after ${attempt} tr${attempt === 1 ? "y" : "ies"}`).pipe(
                Effect.andThen(history("notification-given-up", `${target.label}: ${message.title}: ${error.reason}`)))
          })
        )
      }

      const outboxes = yield* Effect.forEach(targets, (target) =>
        Effect.map(Queue.sliding<Message>(100), (outbox) => ({ target, outbox, busy: false })))
      for (const box of outboxes) {
        yield* Effect.forkScoped(Effect.forever(Effect.flatMap(Queue.take(box.outbox), (message) =>
          Effect.sync(() => void (box.busy = true)).pipe(
            Effect.andThen(deliverWithRetries(box.target, message)),
            Effect.ensuring(Effect.sync(() => void (box.busy = false)))
          ))))
      }
      const allDelivered = Effect.map(
        Effect.forEach(outboxes, (box) => Effect.map(Queue.size(box.outbox), (size) => size === 0 && !box.busy)),
        (idle) => idle.every(Boolean)
      )

      const incoming = yield* Queue.dropping<Notification>(10_000)
      // Taken from the queue but not yet handed to the targets: sent on shutdown too.
      let gathering: Array<Notification> = []
      const handOut = (batch: ReadonlyArray<Notification>) =>
        batch.length === 0 ? Effect.void : Effect.forEach(outboxes, ({ outbox }) => Queue.offer(outbox, renderDigest(batch)), { discard: true })
      yield* Effect.forkScoped(Effect.forever(Effect.gen(function* () {
        gathering = [yield* Queue.take(incoming)]
        if (settings.digest_seconds > 0) yield* Effect.sleep(Duration.seconds(settings.digest_seconds))
        gathering = [...gathering, ...(yield* Queue.clear(incoming))]
        const batch = gathering
        gathering = []
        yield* handOut(batch)
      })))
      // On the way out (the end of `once`, a daemon's clean stop): what is still gathering goes out
      // at once, and every target gets to finish what it holds, within one timeout, so a slow
      // service delays the exit by at most `timeout_seconds`.
      yield* Effect.addFinalizer(() =>
        Effect.gen(function* () {
          gathering = [...gathering, ...(yield* Queue.clear(incoming))]
          const batch = gathering
          gathering = []
          yield* handOut(batch)
          while (!(yield* allDelivered)) yield* Effect.sleep(Duration.millis(20))
        }).pipe(Effect.timeout(Duration.seconds(settings.timeout_seconds)), Effect.ignore))

      return Notifier.of({
        notify: (notification) =>
          notification._tag === "NothingNew" && !settings.nothing_new
            ? Effect.void
            : Effect.logInfo(`notification: ${render(notification).title}`).pipe(Effect.andThen(Queue.offer(incoming, notification)), Effect.asVoid)
      })
    })
  ).pipe(Layer.provide(CommandRunner.layer), Layer.provide(FetchHttpClient.layer))
}
