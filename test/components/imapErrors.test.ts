import { Effect, Exit } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ImapSource } from "../../src/mail/ImapSource.ts"
import { type ImapServer, startImapServer } from "../support/imapServer.ts"
import { intakeRuntime, mailToml, updateMail } from "../support/mailIntake.ts"

// Each way the mailbox can be wrong gives its own error that says what to change.

let server: ImapServer
beforeAll(async () => {
  server = await startImapServer({ tls: true })
  await server.append(updateMail(1, "https://archiveofourown.org/works/401"))
})
afterAll(() => server.stop())

const checkWith = async (extra: Record<string, string | number>) => {
  const runtime = intakeRuntime(mailToml(server, extra))
  const exit = await runtime.runPromiseExit(Effect.gen(function* () {
    return yield* (yield* ImapSource).checkOnce
  }))
  await runtime.dispose()
  return exit
}

const failureOf = (exit: Exit.Exit<unknown, { readonly _tag: string; readonly message: string }>) =>
  Exit.isFailure(exit) ? exit.cause.reasons.flatMap((reason) => (reason._tag === "Fail" ? [reason.error] : [])) : []

describe("mailbox errors", () => {
  it("a wrong password is refused with what to check", async () => {
    const [error] = failureOf(await checkWith({ password: "wrong" }))
    expect(error?._tag).toBe("MailLoginRefused")
    expect(error?.message).toContain(`refused the login for "alice"`)
    expect(error?.message).toContain("Check [email] email and password")
    expect(error?.message).not.toContain("wrong")
  })

  it("a missing mailbox names the folders that exist", async () => {
    const [error] = failureOf(await checkWith({ mailbox: "Fanfic" }))
    expect(error?._tag).toBe("MailboxMissing")
    expect(error?.message).toContain(`no mailbox "Fanfic"`)
    expect(error?.message).toContain("It has: INBOX")
  })

  it("nothing listening is unreachable (and retried by the daemon)", async () => {
    const [error] = failureOf(await checkWith({ port: 1 }))
    expect(error?._tag).toBe("MailUnreachable")
    expect(error?.message).toContain("ECONNREFUSED")
  })

  it("a self-signed certificate fails TLS and STARTTLS with the option that trusts it; with it both work", async () => {
    const tlsPort = server.tlsPort ?? 0
    for (const settings of [{ security: "tls", port: tlsPort }, { security: "starttls", port: server.port }]) {
      const [error] = failureOf(await checkWith({ ...settings, server: "localhost" }))
      expect(error?._tag, settings.security).toBe("MailTlsFailed")
      expect(error?.message).toContain("set [email] tls_ca_file to its certificate")
      const trusted = await checkWith({ ...settings, server: "localhost", tls_ca_file: server.certFile })
      expect(Exit.isSuccess(trusted), `${settings.security}: ${JSON.stringify(failureOf(trusted).map((e) => e.message))}`).toBe(true)
    }
  })
})
