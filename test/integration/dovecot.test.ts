import { afterAll, describe, expect, it } from "vitest"
import { readFileSync } from "node:fs"
import { ImapFlow, type ImapFlowEvents, type ImapFlowOptions } from "imapflow"
import { type Dovecot, type DovecotOptions, startDovecot } from "../support/dovecot.ts"
import { startTcpProxy } from "../support/tcpProxy.ts"

// The test fixtures themselves: a private Dovecot per test (test/support/dovecot.ts) and the TCP
// proxy that breaks connections (test/support/tcpProxy.ts), driven with imapflow as the daemon is.

const servers: Array<Dovecot> = []
const start = async (options: DovecotOptions = {}) => {
  const server = await startDovecot(options)
  servers.push(server)
  return server
}
// Each stop takes about 1 s (Dovecot's master), so they run side by side at the end.
afterAll(() => Promise.all(servers.map((server) => server.stop())))

const mail = (n: number) => `From: site@example.test\r\nTo: alice@example.test\r\nSubject: update ${n}\r\n\r\nChapter ${n}.\r\n`

// A client as the daemon makes one: no logger, and an 'error' listener, without which a reset
// crashes the test process. Errors are kept for the test to look at.
const clientOf = (server: Dovecot, options: Partial<ImapFlowOptions> = {}) => {
  const client = new ImapFlow({
    host: server.host, port: server.port, secure: false, doSTARTTLS: false,
    auth: { user: server.user, pass: server.password }, logger: false, ...options
  })
  const errors: Array<Error> = []
  client.on("error", (error) => errors.push(error))
  return { client, errors }
}

const nextEvent = <K extends keyof ImapFlowEvents>(client: ImapFlow, event: K, timeoutMs = 10_000) =>
  new Promise<ImapFlowEvents[K]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' event within ${timeoutMs} ms`)), timeoutMs)
    client.once(event, (...args: ImapFlowEvents[K]) => {
      clearTimeout(timer)
      resolve(args)
    })
  })

const idleOn = async (server: Dovecot, options: Partial<ImapFlowOptions> = {}) => {
  const { client, errors } = clientOf(server, options)
  await client.connect()
  await client.mailboxOpen("INBOX")
  const idling = client.idle().catch(() => undefined)
  return { client, errors, idling }
}

describe("Dovecot fixture", () => {
  it("appends messages that imapflow finds unseen, and marks one seen", async () => {
    const server = await start()
    const first = await server.append(mail(1))
    const second = await server.append(mail(2), { flags: ["\\Flagged"] })
    expect(second.uid).toBe(first.uid + 1)
    expect(second.uidValidity).toBe(first.uidValidity)

    const { client, errors } = clientOf(server)
    await client.connect()
    const lock = await client.getMailboxLock("INBOX")
    try {
      expect(await client.search({ seen: false }, { uid: true })).toEqual([first.uid, second.uid])
      const message = await client.fetchOne(String(second.uid), { source: true, flags: true }, { uid: true })
      expect(message === false ? "" : message.source?.toString()).toBe(mail(2))
      expect(await client.messageFlagsAdd(String(first.uid), ["\\Seen"], { uid: true })).toBe(true)
    } finally {
      lock.release()
    }
    await client.logout()
    expect(errors).toEqual([])
    expect(await server.unseenUids()).toEqual([second.uid])
    expect(await server.flagsOf(first.uid)).toContain("\\Seen")
    expect(await server.flagsOf(second.uid)).toContain("\\Flagged")

    await server.createMailbox("Fanfic")
    const other = await server.append(mail(3), { mailbox: "Fanfic" })
    expect(await server.unseenUids("Fanfic")).toEqual([other.uid])
  })

  it("an IDLE client hears of a message appended over another connection", async () => {
    const server = await start()
    const { client, errors, idling } = await idleOn(server)
    const exists = nextEvent(client, "exists")
    const appendedAt = performance.now()
    await server.append(mail(1))
    const [event] = await exists
    expect(event).toMatchObject({ path: "INBOX", count: 1, prevCount: 0 })
    expect(performance.now() - appendedAt).toBeLessThan(10_000)
    await client.logout()
    await idling
    expect(errors).toEqual([])
  })

  it("kick gives BYE and 'close' without 'error'; killSessions drops the session with no BYE", async () => {
    const server = await start({ users: { alice: "alicepass", bob: "bobpass" } })
    const alice = await idleOn(server)
    const bob = await idleOn(server, { auth: { user: "bob", pass: "bobpass" } })

    const aliceClosed = nextEvent(alice.client, "close")
    await server.kick("alice")
    await aliceClosed
    expect(alice.client.usable).toBe(false)
    expect(alice.client.byeReason).toBe("Server shutting down.")
    expect(alice.errors).toEqual([])
    expect(bob.client.usable).toBe(true)

    const bobClosed = nextEvent(bob.client, "close")
    const killed = await server.killSessions("SIGKILL")
    expect(killed).toHaveLength(1)
    await bobClosed
    expect(bob.client.byeReason).toBeUndefined()
    expect(bob.client.idlingAtClose).toBe(true)
    expect(bob.errors).toEqual([])
    expect(server.log()).toMatch(new RegExp(`Login: user=<bob>.*mpid=${killed[0]}`))
  })

  it("with tls the certificate verifies as localhost, by STARTTLS and implicit TLS; by default it is refused as self-signed", async () => {
    const server = await start({ tls: true })
    expect(server.tlsPort).toBeTypeOf("number")
    const ca = readFileSync(server.certFile ?? "")
    const auth = { user: server.user, pass: server.password }

    const startTls = clientOf(server, { host: "localhost", doSTARTTLS: true, tls: { ca } })
    await startTls.client.connect()
    expect(startTls.client.secureConnection).toBe(true)
    expect(await startTls.client.noop()).toBeUndefined()
    await startTls.client.logout()

    const implicit = clientOf(server, { host: "localhost", port: server.tlsPort ?? 0, secure: true, tls: { ca }, auth })
    await implicit.client.connect()
    expect(implicit.client.secureConnection).toBe(true)
    await implicit.client.logout()
    expect([...startTls.errors, ...implicit.errors]).toEqual([])

    const refused = clientOf(server, { host: "localhost", port: server.tlsPort ?? 0, secure: true })
    await expect(refused.client.connect()).rejects.toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT", message: expect.stringMatching(/^self-signed certificate/) })
    const refusedStartTls = clientOf(server, { host: "localhost", doSTARTTLS: true })
    await expect(refusedStartTls.client.connect()).rejects.toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT", tlsFailed: true })

    // Without tls there is no STARTTLS to upgrade to.
    const plain = await start()
    expect(plain.tlsPort).toBeUndefined()
    expect(plain.certFile).toBeUndefined()
    const wantsTls = clientOf(plain, { doSTARTTLS: true })
    await expect(wantsTls.client.connect()).rejects.toThrow()
  })

  it("restart keeps the mail, the port and the UIDVALIDITY; an old client stays closed", async () => {
    const server = await start()
    const before = await server.append(mail(1))
    const { port, pid } = server
    const old = await idleOn(server)
    const oldClosed = nextEvent(old.client, "close")

    expect(await server.restart()).toBe(server)
    await oldClosed
    expect(server.port).toBe(port)
    expect(server.pid).not.toBe(pid)
    expect(await server.unseenUids()).toEqual([before.uid])
    const after = await server.append(mail(2))
    expect(after).toEqual({ uid: before.uid + 1, uidValidity: before.uidValidity })
    expect(server.log().match(/starting up/g)).toHaveLength(2)
  })

  it("the TCP proxy resets connections, and holds bytes in a black hole until a short socketTimeout gives up", async () => {
    const server = await start()
    const proxy = await startTcpProxy(server.port)
    try {
      const reset = await idleOn(server, { port: proxy.port })
      const resetClosed = nextEvent(reset.client, "close")
      proxy.resetAll()
      await resetClosed
      expect(reset.errors).toMatchObject([{ code: "ECONNRESET" }])

      // A black hole that lifts: the NOOP sent into it is answered afterwards.
      const held = clientOf(server, { port: proxy.port })
      await held.client.connect()
      proxy.blackhole(true)
      let answered = false
      const noop = held.client.noop().then(() => {
        answered = true
      })
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(answered).toBe(false)
      proxy.blackhole(false)
      await noop
      await held.client.logout()
      expect(held.errors).toEqual([])

      // A black hole that stays: only the client's socketTimeout notices (twice: after a recovery NOOP).
      const dead = await idleOn(server, { port: proxy.port, socketTimeout: 500 })
      const deadClosed = nextEvent(dead.client, "close")
      proxy.blackhole(true)
      await deadClosed
      expect(dead.errors).toMatchObject([{ code: "ETIMEOUT" }])
    } finally {
      await proxy.close()
    }
  })
})
