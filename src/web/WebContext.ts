import { Context, Effect, Layer } from "effect"

// What the HTTP API knows of the process serving it: the daemon takes requests and wakes its
// Coordinator for them; `once` only shows what it does.

export interface WebMode {
  /** daemon: requests are acted on and wake the Coordinator; once: the API only shows. */
  readonly mode: "daemon" | "once"
  /** Look at the Store again now: a job was added or made due. */
  readonly wake: Effect.Effect<void>
}

export class WebContext extends Context.Service<WebContext, WebMode>()("automated-fanfic/web/WebContext") {
  static readonly layer = (mode: WebMode) => Layer.succeed(WebContext, mode)
}
