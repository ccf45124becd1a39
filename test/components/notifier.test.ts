import { NodeServices } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, ManagedRuntime } from "effect"
import { FetchHttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import { mkdtempSync } from "node:fs"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { AppConfig } from "../../src/config/AppConfig.ts"
import type { Notification } from "../../src/notify/Notification.ts"
import { Notifier } from "../../src/notify/Notifier.ts"
import { makeDelivery } from "../../src/notify/deliver.ts"
import { CommandRunner } from "../../src/process/CommandRunner.ts"
import { Store } from "../../src/store/Store.ts"
import { runCli } from "../support/cli.ts"
import { type HttpReceiver, startHttpReceiver, startSmtpReceiver } from "../support/receivers.ts"
import { scratchFolder } from "../support/scratch.ts"

// The Notifier against local stand-ins for every service it speaks to: each gets the request its
// public API documents; a target answering 500 and one that never answers hold nobody up; every
// try is in the history; no secret reaches the log or the history.

const scratch = scratchFolder("automated-fanfic-notifier-")

const story = { key: "test1:5", url: "http://test1.com?sid=5", site: "test1", title: "A Story", author: "Someone", chapters: 4 }
const added: Notification = { _tag: "StoryAdded", story }
const secrets = ["GOTOKEN", "PBTOKEN", "DISCORDTOKEN", "TGTOKEN", "MAILPASS", "LEGACYTOKEN", "FORMPASS"]

const waitFor = async (done: () => boolean, what: string, timeoutMs = 40_000) => {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const notifierRuntime = (toml: string, storeFile: string, logs: Array<string>) =>
  ManagedRuntime.make(Notifier.layer.pipe(
    Layer.provideMerge(Store.layer(storeFile)),
    Layer.provideMerge(AppConfig.layerFromText(toml)),
    Layer.provideMerge(NodeServices.layer),
    Layer.provideMerge(Logger.layer([Logger.make((options) => void logs.push(JSON.stringify(options.message)))]))
  ))

const eventsIn = (file: string) => {
  const db = new DatabaseSync(file, { readOnly: true })
  try {
    return db.prepare("SELECT kind, detail FROM events ORDER BY id").all().map((row) => `${String(row["kind"])} ${String(row["detail"])}`)
  } finally {
    db.close()
  }
}

const receiverToml = (http: HttpReceiver, smtpPort: number, extra = "") => `
[apprise]
urls = [
  "json://127.0.0.1:${http.port}/hook?+X-Test=yes",
  "ntfy://127.0.0.1:${http.port}/fics",
  "gotify://127.0.0.1:${http.port}/GOTOKEN",
  "pbul://PBTOKEN/#fics",
  "discord://Bot@4455/DISCORDTOKEN",
  "tgram://123456:TGTOKEN/4242",
  "mailto://mailer:MAILPASS@127.0.0.1:${smtpPort}?to=reader@example.test&from=bot@example.test",
  "form://user:FORMPASS@127.0.0.1:${http.port}/formhook",
  "json://127.0.0.1:${http.port}/fail",
  "json://127.0.0.1:${http.port}/slow"
]
[pushbullet]
enabled = true
api_key = "LEGACYTOKEN"
device = "Phone"
[notifications]
retries = 2
timeout_seconds = 2
pushbullet_api = "http://127.0.0.1:${http.port}"
discord_api = "http://127.0.0.1:${http.port}"
telegram_api = "http://127.0.0.1:${http.port}"
${extra}
`

describe("Notifier delivering to local receivers", () => {
  it.live("each service gets its documented request; a failing and a silent target hold nobody up; history has every try; no secret is logged", () =>
    Effect.promise(async () => {
      const http = await startHttpReceiver()
      const smtp = await startSmtpReceiver()
      const storeFile = join(mkdtempSync(join(scratch, "notify-")), "store.db")
      const logs: Array<string> = []
      const runtime = notifierRuntime(receiverToml(http, smtp.port, "digest_seconds = 0"), storeFile, logs)
      await runtime.runPromise(Effect.gen(function* () {
        yield* (yield* Notifier).notify(added)
      }))
      const byPath = (path: string) => http.received.filter((request) => request.path === path)
      // Everything that can succeed arrives while the failing and silent targets are still being retried.
      await waitFor(() => ["/hook", "/", "/message", "/api/webhooks/4455/DISCORDTOKEN", "/bot123456:TGTOKEN/sendMessage", "/formhook"].every((path) => byPath(path).length > 0) &&
        byPath("/v2/pushes").length === 2 && smtp.mails.length === 1, "every working target", 15_000)
      expect(eventsIn(storeFile).some((event) => event.startsWith("notification-given-up"))).toBe(false)

      const body = (path: string, index = 0) => JSON.parse(byPath(path)[index]?.body ?? "null")
      const title = "New story: A Story"
      const text = "A Story by Someone (test1), 4 chapters\nhttp://test1.com?sid=5"
      expect(byPath("/hook")[0]).toMatchObject({ method: "POST", headers: { "content-type": "application/json", "x-test": "yes" } })
      expect(body("/hook")).toEqual({ version: "1.0", title, message: text, attachments: [], type: "info" })
      expect(body("/")).toEqual({ topic: "fics", title, message: text })
      expect(byPath("/message")[0]?.headers["x-gotify-key"]).toBe("GOTOKEN")
      expect(body("/message")).toEqual({ title, message: text, priority: 5 })
      const pushes = byPath("/v2/pushes")
      expect(pushes.map((push) => push.headers["access-token"]).sort()).toEqual(["LEGACYTOKEN", "PBTOKEN"])
      expect(pushes.map((push) => JSON.parse(push.body)).sort((a, b) => String(a.channel_tag).localeCompare(String(b.channel_tag)))).toEqual([
        { type: "note", title, body: text, channel_tag: "fics" },
        { type: "note", title, body: text, device_iden: "phone-iden" }
      ])
      expect(byPath("/v2/devices")[0]).toMatchObject({ method: "GET", headers: { "access-token": "LEGACYTOKEN" } })
      expect(body("/api/webhooks/4455/DISCORDTOKEN")).toEqual({ content: `**${title}**\n${text}`, username: "Bot" })
      expect(body("/bot123456:TGTOKEN/sendMessage")).toEqual({ chat_id: "4242", text: `${title}\n${text}` })
      expect(byPath("/formhook")[0]).toMatchObject({ method: "POST", headers: { authorization: `Basic ${Buffer.from("user:FORMPASS").toString("base64")}` } })
      expect(new URLSearchParams(byPath("/formhook")[0]?.body).get("title")).toBe(title)
      expect(smtp.mails[0]).toMatchObject({ from: "bot@example.test", to: ["reader@example.test"], user: "mailer" })
      expect(smtp.mails[0]?.data).toContain(`Subject: ${title}`)

      // 500 three times (the first try and two retries, 2 s and 4 s apart); the silent one times out as often.
      await waitFor(() => eventsIn(storeFile).filter((event) => event.startsWith("notification-given-up")).length === 2, "both bad targets given up")
      expect(byPath("/fail")).toHaveLength(3)
      expect(byPath("/slow")).toHaveLength(3)
      const history = eventsIn(storeFile)
      expect(history.filter((event) => event.startsWith("notification-sent"))).toHaveLength(9)
      expect(history).toContain("notification-failed json://127.0.0.1:" + http.port + "/…, try 1: HTTP 500 broken")
      expect(history.filter((event) => event.includes("/…, try") && event.includes("no answer in time"))).toHaveLength(3)
      for (const secret of secrets) {
        expect(logs.filter((line) => line.includes(secret)), secret).toEqual([])
        expect(history.filter((line) => line.includes(secret)), secret).toEqual([])
      }
      await runtime.dispose()
      await http.close()
      await smtp.close()
    }))

  it.effect("events inside the digest window become one message per target", () =>
    Effect.gen(function* () {
      const http = yield* Effect.promise(() => startHttpReceiver())
      const toml = `[apprise]\nurls = ["json://127.0.0.1:${http.port}/digest"]\n[notifications]\ndigest_seconds = 30\n`
      const storeFile = join(mkdtempSync(join(scratch, "digest-")), "store.db")
      const layer = Notifier.layer.pipe(Layer.provideMerge(Store.layer(storeFile)), Layer.provideMerge(AppConfig.layerFromText(toml)), Layer.provideMerge(NodeServices.layer))
      yield* Effect.gen(function* () {
        const notifier = yield* Notifier
        yield* notifier.notify(added)
        yield* TestClock.adjust("10 seconds")
        yield* notifier.notify({ _tag: "StoryUpdated", story, chaptersBefore: 3 })
        yield* TestClock.adjust("10 seconds")
        yield* notifier.notify({ _tag: "SiteResumed", site: "test2" })
        // A "nothing new" is not sent unless [notifications] nothing_new = true.
        yield* notifier.notify({ _tag: "NothingNew", story })
        yield* TestClock.adjust("9 seconds")
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 300)))
        expect(http.received).toEqual([])
        yield* TestClock.adjust("1 second")
        yield* Effect.promise(() => waitFor(() => http.received.length === 1, "the digest"))
        const digest = JSON.parse(http.received[0]?.body ?? "{}")
        expect(digest.title).toBe("automated-fanfic: 3 updates")
        expect(digest.message).toContain("• New story: A Story")
        expect(digest.message).toContain("• Updated: A Story\n  A Story by Someone (test1): chapters 3 → 4")
        expect(digest.message).toContain("• test2 works again")
        yield* notifier.notify({ _tag: "SiteResumed", site: "test3" })
        yield* TestClock.adjust("30 seconds")
        yield* Effect.promise(() => waitFor(() => http.received.length === 2, "the second message"))
        expect(JSON.parse(http.received[1]?.body ?? "{}").title).toBe("test3 works again")
      }).pipe(Effect.provide(layer))
      yield* Effect.promise(() => http.close())
    }))
})

describe("unusable targets", () => {
  it.effect("a scheme for the apprise program is unusable when the program is missing", () =>
    Effect.gen(function* () {
      const delivery = yield* makeDelivery({ endpoints: { pushbullet: "", discord: "", telegram: "" }, timeoutMs: 5000, runner: yield* CommandRunner, apprise: "apprise-is-not-installed-here" })
      const verdict = yield* delivery.usable({ _tag: "Apprise", label: "rocket://…", url: "rocket://u:p@chat.example.test/room" }).pipe(Effect.flip)
      expect(verdict.reason).toContain("needs the apprise program, which is not installed")
    }).pipe(Effect.provide(CommandRunner.layer), Effect.provide([NodeServices.layer, FetchHttpClient.layer])))

  it.live("check-config names a bad scheme and a missing token, without their secrets, and exits 2", () =>
    Effect.promise(async () => {
      const config = join(mkdtempSync(join(scratch, "check-")), "config.toml")
      await import("node:fs").then((fs) => fs.writeFileSync(config, `[apprise]\nurls = ["nosuch://SECRETA@x", "discord://4455", "ntfys://SECRETTOPIC", "rocket://u:SECRETB@chat.example.test/room"]\n`))
      const run = await runCli(["check-config", "--config", config])
      expect(run.code).toBe(2)
      expect(run.stderr).toContain("notification target nosuch://…: unusable, apprise does not recognise this URL")
      expect(run.stderr).toContain("notification target discord://…: unusable, the webhook id or token is missing")
      expect(run.stderr).toContain("notification target ntfys://…: ok")
      expect(run.stderr).toContain("notification target rocket://…: ok")
      expect(run.stderr).toContain("2 notification target(s) cannot be used")
      expect(`${run.stdout}${run.stderr}`).not.toMatch(/SECRET/)
    }))
})
