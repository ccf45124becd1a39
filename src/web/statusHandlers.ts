import { Clock, Effect } from "effect"
import { dirname } from "node:path"
import { HttpApiBuilder } from "effect/http-api"
import { AppConfig } from "../config/AppConfig.ts"
import { maskedConfig } from "../cli/renderConfig.ts"
import { healthFileIn, readHealth } from "../process/daemonHealth.ts"
import { Store } from "../store/Store.ts"
import { Api, type StatusView, Unavailable } from "./Api.ts"
import { statusSnapshot, unhealthyServices, widgetOf } from "./statusSnapshot.ts"
import { WebContext } from "./WebContext.ts"

// Status is read by many clients at once (dashboards, widgets, monitors): it is built once per
// change in the Store, and at most once a second while jobs run (their elapsed time moves).
const freshForMs = 1000

export const makeStatusReader = Effect.gen(function* () {
  const store = yield* Store
  const { mode } = yield* WebContext
  const healthFile = healthFileIn(dirname(store.file))
  let cached: { readonly version: number; readonly builtAt: number; readonly status: StatusView } | undefined

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

  return Effect.gen(function* () {
    const version = yield* store.lastEventId
    const now = yield* Clock.currentTimeMillis
    if (cached !== undefined && cached.version === version && now - cached.builtAt < freshForMs) return cached.status
    const status = yield* build
    cached = { version, builtAt: now, status }
    return status
  }).pipe(Effect.orDie)
})

export const StatusHandlers = HttpApiBuilder.group(
  Api,
  "status",
  Effect.fn(function* (handlers) {
    const status = yield* makeStatusReader
    const config = yield* AppConfig
    const health = Effect.gen(function* () {
      const failed = unhealthyServices(yield* status)
      if (failed.length > 0) {
        return yield* new Unavailable({ message: `failed: ${failed.map((service) => `${service.name} (${service.lastError ?? "no error recorded"})`).join(", ")}` })
      }
      return { status: "ok" }
    })
    return handlers.handleAll({
      status: () => status,
      widget: () => Effect.map(status, widgetOf),
      config: () => Effect.succeed({ config: maskedConfig(config.values) }),
      healthz: () => health,
      health: () => health
    })
  })
)
