import { describe, expect, it } from "@effect/vitest"
import { httpCalls, officialEndpoints } from "../../src/notify/httpCalls.ts"
import { mailTransport } from "../../src/notify/mailTransport.ts"
import { render, renderDigest } from "../../src/notify/Notification.ts"
import { isProblem, parseTarget, type Target } from "../../src/notify/targets.ts"

const target = (url: string): Target => {
  const parsed = parseTarget(url)
  if (isProblem(parsed)) throw new Error(parsed.reason)
  return parsed
}
const message = { title: "Updated: A Story", body: "A Story by Someone (test1): chapters 3 → 4\nhttp://test1.com?sid=5" }

describe("Apprise URLs", () => {
  it("parse into targets whose labels hide every secret", () => {
    const urls = [
      "pbul://o.SECRET1/#fics/friend@example.test/DEVICEID", "discord://Bot@112233/SECRET2", "ntfys://SECRETTOPIC", "ntfy://user:SECRET3@ntfy.example.test:8080/fics",
      "gotifys://push.example.test/gotify/SECRET4?priority=8", "tgram://123456:SECRET5/-100200/300", "jsons://user:SECRET6@hooks.example.test/in/fics?+X-Key=v&method=put",
      "mailtos://me:SECRET7@gmail.com?to=a@example.test,b@example.test&name=Fics", "rocket://user:SECRET8@chat.example.test/room"
    ]
    const targets = urls.map(target)
    expect(targets.map((parsed) => parsed._tag)).toEqual(["Pushbullet", "Discord", "Ntfy", "Ntfy", "Gotify", "Telegram", "Json", "Mail", "Apprise"])
    expect(targets.map((parsed) => parsed.label)).toEqual([
      "pbul://…", "discord://112233/…", "ntfys://…", "ntfy://ntfy.example.test:8080/…", "gotifys://push.example.test/gotify/…", "tgram://…",
      "jsons://hooks.example.test/…", "mailtos://me@gmail.com", "rocket://…"
    ])
    for (const label of targets.map((parsed) => parsed.label)) expect(label).not.toMatch(/SECRET/)
    expect(targets[0]).toMatchObject({ token: "o.SECRET1", devices: ["DEVICEID"], channels: ["fics"], emails: ["friend@example.test"] })
    expect(targets[2]).toMatchObject({ base: "https://ntfy.sh", topics: ["SECRETTOPIC"] })
    expect(targets[3]).toMatchObject({ base: "http://ntfy.example.test:8080", topics: ["fics"], auth: { _tag: "Basic", user: "user", password: "SECRET3" } })
    expect(targets[4]).toMatchObject({ base: "https://push.example.test/gotify", token: "SECRET4", priority: 8 })
    expect(targets[5]).toMatchObject({ botToken: "123456:SECRET5", chatIds: ["-100200", "300"] })
    expect(targets[6]).toMatchObject({ url: "https://hooks.example.test/in/fics", method: "PUT", headers: { "X-Key": "v" } })
    expect(targets[7]).toMatchObject({ mail: { user: "me", password: "SECRET7", domain: "gmail.com", secure: true, to: ["a@example.test", "b@example.test"], from: "me@gmail.com", fromName: "Fics" } })
  })

  it.each([
    ["pbul://", "the Pushbullet access token is missing"],
    ["discord://112233", "the webhook id or token is missing"],
    ["tgram://not-a-token/1", "the bot token is missing or malformed"],
    ["tgram://123:abc", "no chat id"],
    ["gotify://host.example.test", "the application token is missing"],
    ["just text", "it is not a URL"]
  ])("%s is refused: %s", (url, reason) => {
    const parsed = parseTarget(url)
    expect(isProblem(parsed) ? parsed.reason : "accepted").toContain(reason)
  })
})

describe("requests per service", () => {
  it("follow each service's API", () => {
    const calls = (url: string) => {
      const parsed = target(url)
      if (parsed._tag === "Mail" || parsed._tag === "Apprise") throw new Error("not HTTP")
      return httpCalls(parsed, message, officialEndpoints).map((call) => ({ ...call, body: JSON.parse(call.body) }))
    }
    expect(calls("pbul://tok/#fics")).toEqual([{ method: "POST", url: "https://api.pushbullet.com/v2/pushes", headers: { "content-type": "application/json", "access-token": "tok" }, body: { type: "note", title: message.title, body: message.body, channel_tag: "fics" } }])
    expect(calls("discord://Bot@1/tok")[0]).toMatchObject({ url: "https://discord.com/api/webhooks/1/tok", body: { content: `**${message.title}**\n${message.body}`, username: "Bot" } })
    expect(calls("ntfy://u:p@n.example.test/a/b?priority=high&tags=books,new").map((call) => call.body)).toEqual([
      { topic: "a", title: message.title, message: message.body, priority: 4, tags: ["books", "new"] },
      { topic: "b", title: message.title, message: message.body, priority: 4, tags: ["books", "new"] }
    ])
    expect(calls("ntfy://u:p@n.example.test/a")[0]?.headers).toMatchObject({ authorization: `Basic ${Buffer.from("u:p").toString("base64")}` })
    expect(calls("gotify://g.example.test/tok")[0]).toMatchObject({ url: "http://g.example.test/message", headers: { "x-gotify-key": "tok" }, body: { title: message.title, message: message.body, priority: 5 } })
    expect(calls("tgram://1:a/42")[0]).toMatchObject({ url: "https://api.telegram.org/bot1:a/sendMessage", body: { chat_id: "42", text: `${message.title}\n${message.body}` } })
    expect(calls("json://h.example.test:81/p?+X-A=b")[0]).toMatchObject({ method: "POST", url: "http://h.example.test:81/p", headers: { "X-A": "b" }, body: { version: "1.0", title: message.title, message: message.body, attachments: [], type: "info" } })
  })

  it("mail goes to the provider's SMTP server, encrypted for mailtos", () => {
    const mail = (url: string) => {
      const parsed = target(url)
      if (parsed._tag !== "Mail") throw new Error("not mail")
      return mailTransport(parsed.mail, 5000)
    }
    expect(mail("mailtos://me:pw@gmail.com")).toMatchObject({ host: "smtp.gmail.com", port: 465, secure: true })
    expect(mail("mailtos://me:pw@example.test")).toMatchObject({ host: "example.test", port: 587, secure: false, requireTLS: true })
    expect(mail("mailto://me:pw@example.test?smtp=relay.example.test")).toMatchObject({ host: "relay.example.test", port: 25, requireTLS: false })
    expect(mail("mailtos://me:pw@example.test:2465?mode=ssl")).toMatchObject({ port: 2465, secure: true })
  })
})

describe("messages", () => {
  it("say what changed in a title a lock screen can show, and several events become one digest", () => {
    const story = { key: "test1:5", url: "http://test1.com?sid=5", site: "test1", title: "A Story", author: "Someone", chapters: 4 }
    expect(render({ _tag: "StoryUpdated", story, chaptersBefore: 3 })).toEqual(message)
    const digest = renderDigest([{ _tag: "StoryAdded", story }, { _tag: "SitePaused", site: "test2", until: Date.UTC(2026, 10, 22, 12, 0), reason: "HTTP 429" }])
    expect(digest.title).toBe("automated-fanfic: 2 updates")
    expect(digest.body).toContain("• New story: A Story")
    expect(digest.body).toContain("• test2 is refusing downloads\n  Paused until 2026-11-22 12:00 UTC (HTTP 429)")
  })
})
