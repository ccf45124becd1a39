import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { ImapSource } from "../../src/mail/ImapSource.ts"
import type { Notification } from "../../src/notify/Notification.ts"
import { Store } from "../../src/store/Store.ts"
import { type ImapServer, startImapServer } from "../support/imapServer.ts"
import { intakeRuntime, mailToml, updateMail } from "../support/mailIntake.ts"

// mark_read, disabled_sites and hostile messages, through a real Dovecot.

const servers: Array<ImapServer> = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop()
})
const start = async () => {
  const server = await startImapServer()
  servers.push(server)
  return server
}

const checkOnce = Effect.gen(function* () {
  return yield* (yield* ImapSource).checkOnce
})
const finishJobs = Effect.gen(function* () {
  const store = yield* Store
  for (const job of yield* store.jobs(["queued"])) {
    yield* store.apply(job.id, { _tag: "Started" })
    yield* store.apply(job.id, { _tag: "Succeeded" })
  }
})
const allJobs = Effect.gen(function* () {
  return yield* (yield* Store).jobs()
})
const seen = async (server: ImapServer, uids: ReadonlyArray<number>) => Promise.all(uids.map(async (uid) => (await server.flagsOf(uid)).has("\\Seen")))

describe("mark_read", () => {
  it("on_success marks a message read only once every story from it is done; never leaves it alone", async () => {
    const server = await start()
    const onSuccess = intakeRuntime(mailToml(server, { mark_read: "on_success" }))
    const uid = await server.append(updateMail(1, "https://archiveofourown.org/works/501"))
    await onSuccess.runPromise(checkOnce)
    expect(await seen(server, [uid])).toEqual([false])
    await onSuccess.runPromise(finishJobs)
    await onSuccess.runPromise(checkOnce)
    expect(await seen(server, [uid])).toEqual([true])
    await onSuccess.dispose()

    const never = intakeRuntime(mailToml(server, { mark_read: "never" }))
    const other = await server.append(updateMail(2, "https://archiveofourown.org/works/502"))
    expect(await never.runPromise(checkOnce)).toEqual({ messages: 1, queued: 1 })
    await never.runPromise(finishJobs)
    expect(await never.runPromise(checkOnce)).toEqual({ messages: 0, queued: 0 })
    expect(await seen(server, [other])).toEqual([false])
    await never.dispose()
  })
})

describe("disabled_sites", () => {
  it("a link from a disabled site queues nothing and is marked read", async () => {
    const server = await start()
    const notified: Array<Notification> = []
    const runtime = intakeRuntime(`${mailToml(server)}disabled_sites = ["archiveofourown"]\n`, undefined, notified)
    const uid = await server.append(updateMail(1, "https://archiveofourown.org/works/601"))
    expect(await runtime.runPromise(checkOnce)).toEqual({ messages: 1, queued: 0 })
    expect(await runtime.runPromise(allJobs)).toEqual([])
    expect(await seen(server, [uid])).toEqual([true])
    expect(notified).toEqual([{ _tag: "DisabledSiteLink", site: "archiveofourown", url: "https://archiveofourown.org/works/601", subject: "[AO3] someone posted Chapter 1 of A Work" }])
    await runtime.dispose()
  })
})

describe("hostile and odd messages", () => {
  it("malformed MIME, a wrong charset label, an empty body, 20 MB of attachments, 5,000 links and no links: no crash, each recorded once", async () => {
    const server = await start()
    const runtime = intakeRuntime(mailToml(server))
    const many = Array.from({ length: 5000 }, (_, index) => `<a href="https://archiveofourown.org/works/${700_000 + index}">w</a>`).join("\r\n")
    const attachment = Buffer.alloc(15 * 1024 * 1024, 1).toString("base64").replace(/.{76}/g, "$&\r\n")
    const messages = [
      'Subject: broken\r\nContent-Type: multipart/alternative; boundary="gone"\r\n\r\n--gone\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\nPGEgaHJlZj0iaHR0cHM6Ly9hcmNoaXZlb2ZvdXJvd24ub3JnL3dvcmtzLzcwMSI+eDwvYT4\r\n%%%',
      'Subject: charset\r\nContent-Type: text/html; charset="utf-88"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=C3=A9 <a href=3D"https://archiveofourown.org/works/702">x</a>\r\n',
      "Subject: empty\r\n\r\n",
      `Subject: big\r\nContent-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/html\r\n\r\n<a href="https://archiveofourown.org/works/703">x</a>\r\n--m\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${attachment}\r\n--m--\r\n`,
      `Subject: many\r\nContent-Type: text/html\r\n\r\n${many}\r\n`,
      "Subject: no links\r\n\r\nJust words.\r\n"
    ]
    const uids = []
    for (const message of messages) uids.push(await server.append(message))
    expect(await runtime.runPromise(checkOnce)).toEqual({ messages: 6, queued: 3 + 5000 })
    const keys = (await runtime.runPromise(allJobs)).map((job) => job.storyKey)
    expect(keys.slice(0, 3)).toEqual(["archiveofourown:701", "archiveofourown:702", "archiveofourown:703"])
    expect(new Set(keys).size).toBe(5003)
    // Messages without stories stay unread; the rest are read.
    expect(await seen(server, uids)).toEqual([true, true, false, true, true, false])
    expect(await runtime.runPromise(checkOnce)).toEqual({ messages: 0, queued: 0 })
    await runtime.dispose()
  })
})
