import { Effect, Exit } from "effect"
import { createServer, type Server } from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ImapSource } from "../../src/mail/ImapSource.ts"
import { type ImapServer, startImapServer } from "../support/imapServer.ts"
import { intakeRuntime, mailToml, updateMail } from "../support/mailIntake.ts"

// OAuth2 (XOAUTH2), as Gmail and Microsoft 365 want it: Dovecot checks the token with a local
// introspection endpoint standing in for the provider.

let server: ImapServer
let provider: Server
const introspections: Array<string> = []

beforeAll(async () => {
  provider = createServer((request, response) => {
    let body = ""
    request.on("data", (chunk) => (body += chunk))
    request.on("end", () => {
      const token = new URLSearchParams(body).get("token") ?? ""
      introspections.push(token)
      response.writeHead(200, { "content-type": "application/json" })
      response.end(JSON.stringify(token === "fresh-token" ? { active: true, username: "alice" } : { active: false }))
    })
  })
  await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve))
  const address = provider.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  server = await startImapServer({ oauthIntrospectionUrl: `http://127.0.0.1:${port}/introspect` })
  await server.append(updateMail(1, "https://archiveofourown.org/works/1001"))
})
afterAll(async () => {
  await server.stop()
  provider.close()
})

const check = async (extra: Record<string, string>) => {
  const runtime = intakeRuntime(mailToml(server, { password: "", ...extra }))
  const exit = await runtime.runPromiseExit(Effect.gen(function* () {
    return yield* (yield* ImapSource).checkOnce
  }))
  await runtime.dispose()
  return exit
}

describe("XOAUTH2", () => {
  it("logs in with an access token, or one printed by access_token_command; a stale token is refused", async () => {
    expect(await check({ access_token: "fresh-token" })).toEqual(Exit.succeed({ messages: 1, queued: 1 }))
    expect(Exit.isSuccess(await check({ access_token_command: "printf '%s\\n' fresh-token" }))).toBe(true)
    const stale = await check({ access_token: "stale-token" })
    expect(Exit.isFailure(stale) && stale.cause.reasons.some((reason) => reason._tag === "Fail" && reason.error._tag === "MailLoginRefused")).toBe(true)
    const broken = await check({ access_token_command: "echo no token here >&2; exit 4" })
    expect(Exit.isFailure(broken) && broken.cause.reasons.some((reason) => reason._tag === "Fail" && reason.error.message.includes("access_token_command exited 4"))).toBe(true)
    expect(introspections).toEqual(["fresh-token", "fresh-token", "stale-token"])
  })
})
