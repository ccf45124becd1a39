import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { ByteSize, Effect, Layer, Predicate, Redacted, Schema } from "effect"
import { HttpIncomingMessage, HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { HttpApiBuilder, HttpApiError } from "effect/http-api"
import { createServer } from "node:http"
import { AppConfig } from "../config/AppConfig.ts"
import { isLoopbackHost } from "../config/loopback.ts"
import { Store } from "../store/Store.ts"
import { Api, RequireToken, Unauthorized } from "./Api.ts"
import { HistoryHandlers, JobsHandlers, SitesHandlers, StoriesHandlers } from "./controlHandlers.ts"
import { dashboardHtml } from "./dashboardPage.ts"
import { makeLiveEvents } from "./liveEvents.ts"
import { maxBodyBytes, refusalFor, tokenRefusal } from "./requestGuard.ts"
import { makeStatusReader, StatusHandlers } from "./statusHandlers.ts"
import { WatchHandlers } from "./watchHandlers.ts"
import { metricsText } from "./statusSnapshot.ts"
import { WebContext, type WebMode } from "./WebContext.ts"

// The dashboard and HTTP API on [web] host:port: the schema-first API (and /openapi.json),
// live events, /metrics and the page itself, behind one guard (requestGuard.ts).

export class WebServerError extends Schema.TaggedError<WebServerError>()("WebServerError", { message: Schema.String }) {}

const securityHeaders = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store"
}
const pagePolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

const TokenCheck = Layer.effect(RequireToken, Effect.gen(function* () {
  const expected = Redacted.value((yield* AppConfig).values.web.token)
  return RequireToken.of({
    bearer: (httpEffect, { credential }) => {
      const refusal = tokenRefusal(expected, Redacted.value(credential))
      return refusal === undefined ? httpEffect : Effect.fail(new Unauthorized({ message: refusal }))
    }
  })
}))

const ApiRoutes = HttpApiBuilder.layer(Api, { openapiPath: "/openapi.json" }).pipe(
  Layer.provide([StatusHandlers, StoriesHandlers, JobsHandlers, HistoryHandlers, SitesHandlers, WatchHandlers])
)

const PlainRoutes = HttpRouter.use(Effect.fn(function* (router) {
  const live = yield* makeLiveEvents
  const { status } = yield* makeStatusReader
  const store = yield* Store
  yield* router.add("GET", "/", Effect.succeed(HttpServerResponse.html(dashboardHtml).pipe(HttpServerResponse.setHeader("content-security-policy", pagePolicy))))
  yield* router.add("GET", "/api/events", Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const query = new URL(request.url, "http://localhost").searchParams.get("since")
    const given = request.headers["last-event-id"] ?? query ?? undefined
    const since = given === undefined || !/^\d+$/.test(given) ? undefined : Number(given)
    return HttpServerResponse.stream(live.stream(since), {
      contentType: "text/event-stream",
      headers: { "cache-control": "no-cache", "x-accel-buffering": "no" }
    })
  }))
  yield* router.add("GET", "/metrics", Effect.gen(function* () {
    const text = yield* metricsText(yield* status, yield* Effect.orDie(store.lastEventId))
    return HttpServerResponse.text(text, { contentType: "text/plain; version=0.0.4; charset=utf-8" })
  }))
}))

const describeSchemaError = (error: HttpApiError.HttpApiSchemaError) =>
  `invalid ${error.kind.toLowerCase()}: ${error.cause.message.replace(/\s+/g, " ").trim()}`

const Guard = Layer.unwrap(Effect.gen(function* () {
  const web = (yield* AppConfig).values.web
  const { mode } = yield* WebContext
  const settings = { loopbackOnly: isLoopbackHost(web.host), readOnly: mode === "once" }
  return HttpRouter.middleware((httpEffect) =>
    Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const refusal = refusalFor(settings, { method: request.method, headers: request.headers })
      if (refusal !== undefined) return HttpServerResponse.jsonUnsafe({ _tag: refusal.tag, message: refusal.message }, { status: refusal.status })
      return yield* httpEffect.pipe(
        // A body sent without Content-Length (chunked) stops being read at the same limit.
        Effect.provideService(HttpIncomingMessage.MaxBodySize, ByteSize.bytes(maxBodyBytes)),
        // Bad input gets a 400 that says what is wrong, not an empty one.
        Effect.catchDefect((defect) =>
          HttpApiError.HttpApiSchemaError.is(defect) && defect.kind !== "Body"
            ? Effect.succeed(HttpServerResponse.jsonUnsafe({ _tag: "BadRequest", message: describeSchemaError(defect) }, { status: 400 }))
            : Effect.die(defect))
      )
    }).pipe(Effect.map(HttpServerResponse.setHeaders(securityHeaders))), { global: true })
}))

// Node's listen error (EADDRINUSE, EACCES, EADDRNOTAVAIL) sits in the ServeError's cause.
const reasonOf = (error: unknown): string => {
  const cause: unknown = Predicate.hasProperty(error, "cause") ? error.cause : error
  if (Predicate.hasProperty(cause, "code") && typeof cause.code === "string") {
    const known: Record<string, string> = { EADDRINUSE: "the port is in use", EACCES: "not allowed to use that port", EADDRNOTAVAIL: "no such address on this machine" }
    return `${known[cause.code] ?? "refused"}: ${cause.code}`
  }
  return cause instanceof Error ? cause.message : String(cause)
}

const routes = Layer.mergeAll(ApiRoutes, PlainRoutes, Guard).pipe(Layer.provide(TokenCheck))

// The server, in the scope of whoever starts it (see startWeb.ts).
export const startWebServer = Effect.fn("WebServer.start")(function* (mode: WebMode) {
  const web = (yield* AppConfig).values.web
  const server = HttpRouter.serve(routes, { disableLogger: true, disableListenLog: true }).pipe(
    Layer.provide(WebContext.layer(mode)),
    // A deep accept queue: after a restart every open dashboard and widget reconnects at once.
    Layer.provide(NodeHttpServer.layer(createServer, { port: web.port, host: web.host, backlog: 2048, gracefulShutdownTimeout: "1 second" }))
  )
  yield* Layer.build(server).pipe(
    Effect.mapError((error) =>
      new WebServerError({ message: `cannot listen on ${web.host}:${web.port} (${reasonOf(error)}); set [web] port to a free port, or stop the program using it` }))
  )
  yield* Effect.logInfo(`dashboard and API on http://${web.host.includes(":") ? `[${web.host}]` : web.host}:${web.port}/${mode.mode === "once" ? " (read-only while once runs)" : ""}`)
})
