import { timingSafeEqual } from "node:crypto"
import { isLoopbackHostHeader } from "../config/loopback.ts"

// Which requests the server answers. Pure: the middleware in WebServer.ts hands it the method
// and headers and turns a refusal into a JSON answer.
//
// - Bound to loopback without a token, only requests naming this machine in Host are served:
//   a web page elsewhere that rebinds its own DNS name to 127.0.0.1 cannot read or act.
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

export interface Refusal {
  readonly status: 401 | 403 | 409 | 415
  readonly tag: "Unauthorized" | "Forbidden" | "Conflict" | "UnsupportedMediaType"
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
  if (settings.loopbackOnly && settings.token === "" && !isLoopbackHostHeader(host)) {
    return {
      status: 403,
      tag: "Forbidden",
      message: `requests for "${host}" are refused: this server listens on loopback only; open it as http://127.0.0.1 or http://localhost, or set web.token`
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
