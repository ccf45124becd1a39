import { Effect, Fiber } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { ImapSource } from "../../src/mail/ImapSource.ts"
import { Store } from "../../src/store/Store.ts"
import { type ImapServer, startImapServer } from "../support/imapServer.ts"
import { intakeRuntime, mailToml, updateMail } from "../support/mailIntake.ts"
import { startTcpProxy } from "../support/tcpProxy.ts"

// ImapSource against a real Dovecot: push, catch-up after drops, exactly-once, \Seen rules.

const servers: Array<ImapServer> = []
const start = async (options: Parameters<typeof startImapServer>[0] = {}) => {
  const server = await startImapServer(options)
  servers.push(server)
  return server
}
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop().catch(() => undefined)
})

const allJobs = Effect.gen(function* () {
  return yield* (yield* Store).jobs()
})

const work = (id: number) => `https://archiveofourown.org/works/${id}`

const waitFor = async <A>(probe: () => Promise<A>, done: (value: A) => boolean, what: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe("ImapSource with Dovecot", () => {
  it("a message appended while connected becomes a committed job at once (IDLE), then is marked read", async () => {
    const server = await start()
    const runtime = intakeRuntime(mailToml(server, { sleep_time: 3600 }))
    const jobs = () => runtime.runPromise(allJobs)
    let commits = 0
    const fiber = runtime.runFork(Effect.gen(function* () { return yield* (yield* ImapSource).run(Effect.sync(() => commits++)) }))
    await waitFor(async () => server.log(), (log) => log.includes("Login: user=<alice>"), "the daemon's login")
    await new Promise((resolve) => setTimeout(resolve, 300))
    const uid = await server.append(updateMail(1, `${work(101)}/chapters/5`))
    const queued = await waitFor(jobs, (list) => list.length === 1, "the job", 10_000)
    expect(queued).toEqual([expect.objectContaining({ storyKey: "archiveofourown:101", url: work(101), site: "archiveofourown", origins: [expect.stringMatching(/^email:\d+\/1$/)] })])
    expect(commits).toBe(1)
    await waitFor(() => server.flagsOf(uid), (flags) => flags.has("\\Seen"), "\\Seen")
    await runtime.runPromise(Fiber.interrupt(fiber))
    await runtime.dispose()
  })

  it("reconnects after a kick, a reset and a server restart; nothing lost, nothing twice", async () => {
    let server = await start()
    const proxy = await startTcpProxy(server.port)
    const runtime = intakeRuntime(mailToml({ ...server, port: proxy.port }, { sleep_time: 2 }))
    const jobs = () => runtime.runPromise(allJobs)
    const fiber = runtime.runFork(Effect.gen(function* () { return yield* (yield* ImapSource).run(Effect.void) }))
    await server.append(updateMail(1, work(201)))
    await waitFor(jobs, (list) => list.length === 1, "job 1")

    server.kick()
    await server.append(updateMail(2, work(202)))
    await waitFor(jobs, (list) => list.length === 2, "job 2 after the kick")

    proxy.resetAll()
    await server.append(updateMail(3, work(203)))
    await waitFor(jobs, (list) => list.length === 3, "job 3 after a connection reset")

    server = await server.restart()
    servers.push(server)
    await server.append(updateMail(4, work(204)))
    // The same message must not be read again after any of these: one origin per job, four jobs.
    const final = await waitFor(jobs, (list) => list.length === 4, "job 4 after a server restart", 30_000)
    expect(final.map((job) => [job.storyKey, job.origins.length])).toEqual([
      ["archiveofourown:201", 1], ["archiveofourown:202", 1], ["archiveofourown:203", 1], ["archiveofourown:204", 1]
    ])
    await runtime.runPromise(Fiber.interrupt(fiber))
    await runtime.dispose()
    await proxy.close()
  })

  it("once reads the backlog a single time; a message committed before a crash is flagged, not read again", async () => {
    const server = await start()
    const toml = mailToml(server)
    const runtime = intakeRuntime(toml)
    const uids = [
      await server.append(updateMail(1, work(301))),
      await server.append(updateMail(2, work(302))),
      await server.append("From: friend@example.test\r\nSubject: lunch?\r\n\r\nSee you at noon.\r\n"),
      await server.append(updateMail(3, work(301)))
    ]
    const check = () => runtime.runPromise(Effect.gen(function* () { return yield* (yield* ImapSource).checkOnce }))
    expect(await check()).toEqual({ messages: 4, queued: 2 })
    const jobs = await runtime.runPromise(allJobs)
    expect(jobs.map((job) => [job.storyKey, job.origins.length])).toEqual([["archiveofourown:301", 2], ["archiveofourown:302", 1]])
    const flags = await Promise.all(uids.map((uid) => server.flagsOf(uid)))
    expect(flags.map((set) => set.has("\\Seen"))).toEqual([true, true, false, true])
    expect(await check()).toEqual({ messages: 0, queued: 0 })

    // A crash after the commit and before \Seen leaves the receipt without the flag.
    const uid = await server.append(updateMail(4, work(303)))
    const uidValidity = await server.uidValidity()
    await runtime.runPromise(Effect.gen(function* () {
      yield* (yield* Store).recordMail({
        mailbox: "INBOX", uidValidity, uid, messageId: null, subject: null, flagWhen: "on_queue", notes: [],
        requests: [{ storyKey: "archiveofourown:303", url: work(303), site: "archiveofourown", origin: `email:${uidValidity}/${uid}`, force: false }]
      })
    }))
    expect((await server.flagsOf(uid)).has("\\Seen")).toBe(false)
    expect(await check()).toEqual({ messages: 0, queued: 0 })
    expect((await server.flagsOf(uid)).has("\\Seen")).toBe(true)
    const after = await runtime.runPromise(allJobs)
    expect(after.filter((job) => job.storyKey === "archiveofourown:303").map((job) => job.origins)).toEqual([[`email:${uidValidity}/${uid}`]])
    await runtime.dispose()
  })
})
