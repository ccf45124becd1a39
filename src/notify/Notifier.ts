import { Context, Effect, Layer } from "effect"
import { type Notification, render } from "./Notification.ts"

// Tells the user what changed. Must never hold up a download: `notify` returns at once and a
// failed delivery is the Notifier's own problem. Until Apprise delivery exists, notifications
// are written to the log.
export class Notifier extends Context.Service<Notifier, {
  notify(notification: Notification): Effect.Effect<void>
}>()("automated-fanfic/notify/Notifier") {
  static readonly logging = Layer.succeed(Notifier)(Notifier.of({
    notify: (notification) => Effect.logInfo(`notification: ${render(notification).title}`)
  }))
}
