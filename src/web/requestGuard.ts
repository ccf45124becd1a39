import { timingSafeEqual } from "node:crypto"
import { isLoopbackHostHeader } from "../config/loopback.ts"

// Which requests the server answers. Pure: the middleware in WebServer.ts hands it the method
// and headers and turns a refusal into a JSON answer.
//
// - A body over maxBodyBytes is refused from its Content-Length, before a byte of it is read.
// - Bound to loopback, only requests naming this machine in Host are served, token or not: a web
//   page elsewhere that rebinds its own DNS name to 127.0.0.1 cannot read or act.
// - A change (any method but GET/HEAD) must be JSON — which a cross-site form cannot send
//   without a CORS preflight, and no CORS is ever granted — and must not come from another origin.
//   It must also carry the token when one is set: the API's RequireToken middleware asks
//   tokenRefusal, after this guard.
// - While `once` runs, nothing changes.

interface GuardSettings {
  /** Bound to loopback: only requests naming this machine in Host are served. */
  readonly loopbackOnly: boolean
  /** While `once` runs: nothing may change. */
  readonly readOnly: boolean
}

interface RequestFacts {
  /** The HTTP method, in any case. */
  readonly method: string
  /** The request's headers, names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>
}

// Every request this API takes is a few links or ids; a megabyte is plenty.
export const maxBodyBytes = 1024 * 1024

interface Refusal {
  /** The answer's HTTP status. */
  readonly status: 403 | 409 | 413 | 415
  /** The answer's `_tag`, as the API's own errors have one. */
  readonly tag: "Forbidden" | "Conflict" | "PayloadTooLarge" | "UnsupportedMediaType"
  /** What is wrong and how to do it right. */
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
  return undefined
}

// Why a change is refused for its token, if it is: `given` is what followed "Bearer " ("" for nothing).
export const tokenRefusal = (expected: string, given: string): string | undefined => {
  if (expected === "") return undefined
  if (given.trim() === "") return "this change needs the web token: send Authorization: Bearer <web.token>"
  if (!sameToken(given.trim(), expected)) return "the web token is wrong: send Authorization: Bearer <web.token>"
  return undefined
}
