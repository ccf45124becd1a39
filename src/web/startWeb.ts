import { Effect } from "effect"
import { AppConfig } from "../config/AppConfig.ts"
import type { WebMode } from "./WebContext.ts"

// The web server when [web] enabled = true. Its modules load only then, so a daemon without it
// starts as fast and as small as before.
export const startWeb = Effect.fn("startWeb")(function* (mode: WebMode) {
  if (!(yield* AppConfig).values.web.enabled) return
  const { startWebServer } = yield* Effect.promise(() => import("./WebServer.ts"))
  yield* startWebServer(mode)
})
