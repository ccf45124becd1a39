import { Clock, Effect, Schema } from "effect"
import { HttpServerResponse } from "effect/http"
import { dirname } from "node:path"
import { HttpApiBuilder } from "effect/http-api"
import { AppConfig } from "../config/AppConfig.ts"
import { maskedConfig } from "../config/renderConfig.ts"
import { healthFileIn, readHealth } from "../process/daemonHealth.ts"
import { Store } from "../store/Store.ts"
import { Api, StatusView, Unavailable, WidgetView } from "./Api.ts"
import { statusSnapshot, unhealthyServices, widgetOf } from "./statusSnapshot.ts"
import { WebContext } from "./WebContext.ts"

// Status is read by many clients at once (dashboards, widgets, monitors): it is built once per
// change in the Store, and at most once a second while jobs run (their elapsed time moves).
const freshForMs = 1000
const encodeStatus = Schema.encodeSync(StatusView)
const encodeWidget = Schema.encodeSync(WidgetView)

export const makeStatusReader = Effect.gen(function* () {
  const store = yield* Store
  const { mode } = yield* WebContext
  const healthFile = healthFileIn(dirname(store.file))
  let cached: { readonly version: number; readonly builtAt: number; readonly status: StatusView; json?: string; widgetJson?: string } | undefined

  const build = Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    return statusSnapshot({
      mode,
      now,
      health: mode === "daemon" ? readHealth(healthFile) : undefined,
      counts: yield* store.countsByState,
      sites: yield* store.sites,
      openJobs: yield* store.openJobs
    })
  })

  const current = Effect.gen(function* () {
    const version = yield* store.lastEventId
    const now = yield* Clock.currentTimeMillis
    if (cached !== undefined && cached.version === version && now - cached.builtAt < freshForMs) return cached
    cached = { version, builtAt: now, status: yield* build }
    return cached
  }).pipe(Effect.orDie)

  // The answer's text is made once per snapshot too: encoding it is most of a request's cost.
  const asJson = (text: string) => HttpServerResponse.text(text, { contentType: "application/json" })
  return {
    status: Effect.map(current, (entry) => entry.status),
    statusResponse: Effect.map(current, (entry) => asJson(entry.json ??= JSON.stringify(encodeStatus(entry.status)))),
    widgetResponse: Effect.map(current, (entry) => asJson(entry.widgetJson ??= JSON.stringify(encodeWidget(widgetOf(entry.status)))))
  }
})

export const StatusHandlers = HttpApiBuilder.group(
  Api,
  "status",
  Effect.fn(function* (handlers) {
    const { status, statusResponse, widgetResponse } = yield* makeStatusReader
    const config = yield* AppConfig
    const health = Effect.gen(function* () {
      const failed = unhealthyServices(yield* status)
      if (failed.length > 0) {
        return yield* new Unavailable({ message: `failed: ${failed.map((service) => `${service.name} (${service.lastError ?? "no error recorded"})`).join(", ")}` })
      }
      return { status: "ok" }
    })
    return handlers.handleAll({
      status: () => statusResponse,
      widget: () => widgetResponse,
      config: () => Effect.succeed({ config: maskedConfig(config.values) }),
      healthz: () => health,
      health: () => health
    })
  })
)
