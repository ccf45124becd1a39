import { timingSafeEqual } from "node:crypto"
import { isLoopbackHostHeader } from "../config/loopback.ts"

// Which requests the server answers. Pure: the middleware in WebServer.ts hands it the method
// and headers and turns a refusal into a JSON answer.
//
// - A body over maxBodyBytes is refused from its Content-Length, before a byte of it is read.
// - Bound to loopback, only requests naming this machine in Host are served, token or not: a web
//   page elsewhere that rebinds its own DNS name to 127.0.0.1 cannot read or act.
// - A change (any method but GET/HEAD) must be JSON — which a cross-site form cannot send
//   without a CORS preflight, and no CORS is ever granted — must not come from another origin,
//   and must carry the token when one is set.
// - While `once` runs, nothing changes.

export interface GuardSettings {
  readonly token: string
  readonly loopbackOnly: boolean
  readonly readOnly: boolean
}

export interface RequestFacts {
  readonly method: string
  readonly headers: Readonly<Record<string, string | undefined>>
}

// Every request this API takes is a few links or ids; a megabyte is plenty.
export const maxBodyBytes = 1024 * 1024

export interface Refusal {
  readonly status: 401 | 403 | 409 | 413 | 415
  readonly tag: "Unauthorized" | "Forbidden" | "Conflict" | "PayloadTooLarge" | "UnsupportedMediaType"
  readonly message: string
}

const reading = new Set(["GET", "HEAD"])

const sameToken = (given: string, expected: string) => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

const originHost = (origin: string) => (URL.canParse(origin) ? new URL(origin).host : undefined)

export const refusalFor = (settings: GuardSettings, request: RequestFacts): Refusal | undefined => {
  const header = (name: string) => request.headers[name] ?? ""
  const host = header("host")
  const length = header("content-length")
  if (/^\d+$/.test(length) && Number(length) > maxBodyBytes) {
    return { status: 413, tag: "PayloadTooLarge", message: `the request body is ${length} bytes; this API takes at most ${maxBodyBytes} (a few links or ids per request)` }
  }
  if (settings.loopbackOnly && !isLoopbackHostHeader(host)) {
    return {
      status: 403,
      tag: "Forbidden",
      message: `requests for "${host}" are refused: this server listens on loopback only; open it as http://127.0.0.1 or http://localhost`
    }
  }
  if (reading.has(request.method.toUpperCase())) return undefined
  if (settings.readOnly) {
    return { status: 409, tag: "Conflict", message: "read-only while `once` runs: make changes through the daemon's server or with `automated-fanfic add`" }
  }
  const origin = header("origin")
  if (header("sec-fetch-site") === "cross-site" || (origin !== "" && originHost(origin) !== host)) {
    return { status: 403, tag: "Forbidden", message: `a request from another site (${origin || "cross-site"}) cannot change anything here` }
  }
  if (!/^application\/json\b/i.test(header("content-type"))) {
    return { status: 415, tag: "UnsupportedMediaType", message: "send changes as JSON, with Content-Type: application/json (a body of {} where nothing else is needed)" }
  }
  if (settings.token !== "") {
    const given = /^Bearer\s+(.+)$/i.exec(header("authorization"))?.[1]?.trim()
    if (given === undefined) return { status: 401, tag: "Unauthorized", message: "this change needs the web token: send Authorization: Bearer <web.token>" }
    if (!sameToken(given, settings.token)) return { status: 401, tag: "Unauthorized", message: "the web token is wrong: send Authorization: Bearer <web.token>" }
  }
  return undefined
}
