import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer, ManagedRuntime } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { get as httpGet } from "node:http"
import { join } from "node:path"
import { healthySite } from "../../src/jobs/siteBreaker.ts"
import { Store } from "../../src/store/Store.ts"
import { apiServices, freePort, postJson, readSse, serveApi, type ServedApi, webConfig } from "../support/webApi.ts"
import { scratchFolder } from "../support/scratch.ts"

// Every route of the HTTP API against the real server on a loopback port and a real Store file.

const scratch = scratchFolder("automated-fanfic-web-")
const secrets = { mail: "mail-pass-83jd", apprise: "apprisetoken77x", calibre: "calibre-pass-k2", calibreUrl: "calibre-url-pass-5q" }
const extraConfig = `
[email]
email = "me@example.com"
password = "${secrets.mail}"
server = "imap.example.com"
[calibre]
path = "http://bob:${secrets.calibreUrl}@books.lan:8080/#lib"
password = "${secrets.calibre}"
[apprise]
urls = ["json://127.0.0.1:9/${secrets.apprise}"]
`

type Runtime = ManagedRuntime.ManagedRuntime<Store, unknown>
let runtime: Runtime
let api: ServedApi
const run = <A, E>(effect: Effect.Effect<A, E, Store>) => runtime.runPromise(effect)
const url = (path: string) => `${api.base}${path}`
const getJson = async (path: string) => {
  const response = await fetch(url(path))
  return { status: response.status, body: await response.json() }
}

// fetch will not send another Host than the URL's; node:http will.
const getWithHost = (target: string, host: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const { hostname, port, pathname } = new URL(target)
    httpGet({ hostname, port, path: pathname, headers: { host } }, (response) => {
      let body = ""
      response.on("data", (chunk) => (body += String(chunk)))
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }))
    }).on("error", reject)
  })

const request = (key: string, site: string, link: string, force = false) =>
  run(Effect.gen(function* () {
    return yield* (yield* Store).request({ storyKey: key, url: link, site, origin: "test", force })
  }))

const startServer = async (file: string, config: string) => {
  let served: ServedApi | undefined
  const layer = Layer.effectDiscard(Effect.map(serveApi(Number(/port = (\d+)/.exec(config)?.[1]), "daemon"), (value) => void (served = value)))
  const made = ManagedRuntime.make(layer.pipe(Layer.provideMerge(apiServices(file, config))))
  await made.runPromise(Effect.void)
  if (served === undefined) throw new Error("server did not start")
  return { runtime: made, api: served }
}

beforeAll(async () => {
  const port = await freePort()
  const started = await startServer(join(scratch, "api.db"), webConfig(port) + extraConfig)
  runtime = started.runtime
  api = started.api
  // A story that finished with a title, one waiting for a retry, one running, one queued, and a paused site.
  await request("archiveofourown:1", "archiveofourown", "https://archiveofourown.org/works/1")
  await request("archiveofourown:2", "archiveofourown", "https://archiveofourown.org/works/2")
  await request("fanfiction:3", "fanfiction", "https://www.fanfiction.net/s/3/1/")
  await request("royalroad:4", "royalroad", "https://www.royalroad.com/fiction/4")
  await run(Effect.gen(function* () {
    const store = yield* Store
    const first = yield* store.claim("archiveofourown", "test-owner")
    if (first._tag === "None") throw new Error("nothing to claim")
    yield* store.finish(first.value.id, { _tag: "Succeeded" }, { outcome: "new story", title: "The Lantern Road", chapters: 4 }, (site) => site)
    const second = yield* store.claim("archiveofourown", "test-owner")
    if (second._tag === "None") throw new Error("nothing to claim")
    yield* store.finish(second.value.id, { _tag: "RetryAt", at: Date.now() + 3_600_000, error: "HTTP 503" }, { outcome: "site unavailable" }, (site) => site)
    yield* store.claim("fanfiction", "test-owner")
    const blocked = yield* store.claim("royalroad", "test-owner")
    if (blocked._tag === "None") throw new Error("nothing to claim")
    const paused = { ...healthySite("royalroad"), failures: 2, opens: 1, openUntil: Date.now() + 600_000, lastError: "HTTP 429" }
    yield* store.finish(blocked.value.id, { _tag: "Failed", error: "HTTP 429" }, { outcome: "rate limited" }, () => paused)
  }))
})

afterAll(async () => {
  await runtime?.dispose()
})

describe("HTTP API: reading", () => {
  it("status shows counts, running jobs with elapsed time, waiting jobs with their time, and sites", async () => {
    const { status, body } = await getJson("/api/status")
    expect(status).toBe(200)
    expect(body.mode).toBe("daemon")
    expect(body.readOnly).toBe(false)
    expect(body.counts).toEqual({ queued: 0, running: 1, waiting: 1, done: 1, failed: 1, skipped: 0 })
    expect(body.sites.find((site: { site: string }) => site.site === "royalroad")).toMatchObject({ paused: true, failures: 2, state: expect.stringContaining("paused until") })
    expect(body.running).toEqual([expect.objectContaining({ storyKey: "fanfiction:3", site: "fanfiction", elapsedMs: expect.any(Number) })])
    expect(body.waiting).toEqual([expect.objectContaining({ storyKey: "archiveofourown:2", attempts: 1, lastError: "HTTP 503", nextAttemptAt: expect.any(Number) })])
    expect(body.sites.map((site: { site: string }) => site.site)).toEqual(expect.arrayContaining(["archiveofourown", "fanfiction"]))
  })

  it("stories: search, filter by site, paginate, and one story by key (404 when unknown)", async () => {
    const all = await getJson("/api/stories")
    expect(all.body.total).toBe(4)
    expect(all.body.items.find((story: { key: string }) => story.key === "archiveofourown:1")).toMatchObject({
      title: "The Lantern Road", chapters: 4, lastOutcome: "new story", job: { state: "done" }
    })
    expect((await getJson("/api/stories?search=lantern")).body.items.map((story: { key: string }) => story.key)).toEqual(["archiveofourown:1"])
    expect((await getJson("/api/stories?site=fanfiction")).body.items.map((story: { key: string }) => story.key)).toEqual(["fanfiction:3"])
    const second = await getJson("/api/stories?page=2&pageSize=3")
    expect(second.body).toMatchObject({ total: 4, page: 2, pageSize: 3 })
    expect(second.body.items).toHaveLength(1)
    expect((await getJson(`/api/stories/${encodeURIComponent("archiveofourown:1")}`)).body.title).toBe("The Lantern Road")
    const missing = await getJson(`/api/stories/${encodeURIComponent("nowhere:9")}`)
    expect(missing).toMatchObject({ status: 404, body: { _tag: "NotFound", message: expect.stringContaining("nowhere:9") } })
  })

  it("jobs and history: filters, pages, newest first; bad input is a 400 that says what is wrong", async () => {
    const waiting = await getJson("/api/jobs?state=waiting")
    expect(waiting.body.items.map((job: { storyKey: string }) => job.storyKey)).toEqual(["archiveofourown:2"])
    expect((await getJson("/api/jobs/9999")).status).toBe(404)
    const history = await getJson("/api/history?pageSize=2")
    expect(history.body.items).toHaveLength(2)
    expect(history.body.items[0].id).toBeGreaterThan(history.body.items[1].id)
    expect((await getJson("/api/history?search=HTTP%20503")).body.items.every((item: { detail: string }) => item.detail.includes("HTTP 503"))).toBe(true)
    for (const bad of ["/api/jobs/abc", "/api/jobs?state=sleeping", "/api/stories?page=0", "/api/history?pageSize=501"]) {
      const answer = await getJson(bad)
      expect(answer.status, bad).toBe(400)
      expect(answer.body.message, bad).toMatch(/^invalid (params|query): /)
    }
  })

  it("widget has AutomatedFanfic's fields; metrics are Prometheus text; healthz is ok", async () => {
    const widget = await getJson("/api/widget")
    expect(Object.keys(widget.body).sort()).toEqual(["active", "active_downloads", "queued", "status", "total_completed", "waiting_retry"])
    expect(widget.body).toMatchObject({ active_downloads: 1, waiting_retry: 1, total_completed: 1, status: "running" })
    expect(widget.body.active).toEqual(expect.arrayContaining([expect.objectContaining({ state: "downloading" }), expect.objectContaining({ state: "waiting" })]))
    const metrics = await fetch(url("/metrics"))
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await metrics.text()
    expect(text).toContain('automated_fanfic_jobs{state="done"} 1')
    for (const line of text.trim().split("\n")) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{\w+="[^"]*"\})? [\d.]+)$/)
    expect(await getJson("/healthz")).toEqual({ status: 200, body: { status: "ok" } })
    expect(await getJson("/api/health")).toEqual({ status: 200, body: { status: "ok" } })
  })

  it("openapi.json describes every route, and no response carries a secret", async () => {
    const spec = await getJson("/openapi.json")
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining([
      "/api/status", "/api/widget", "/api/config", "/healthz", "/api/stories", "/api/stories/{key}", "/api/stories/{key}/refresh",
      "/api/jobs", "/api/jobs/{id}", "/api/jobs/{id}/retry", "/api/jobs/{id}/cancel", "/api/history", "/api/sites/{site}/resume"
    ]))
    const config = await getJson("/api/config")
    expect(config.body.config.email).toMatchObject({ email: "me@example.com", password: "<redacted>" })
    expect(config.body.config.apprise.urls).toEqual(["<redacted>"])
    expect(config.body.config.calibre.path).toBe("http://<redacted>@books.lan:8080/#lib")
    const events = await readSse(url("/api/events?since=0"), 3)
    const pages = ["/", "/api/status", "/api/config", "/api/stories", "/api/jobs", "/api/history", "/api/widget", "/metrics", "/openapi.json"]
    const bodies = [...await Promise.all(pages.map(async (page) => (await fetch(url(page))).text())), ...events.messages.map((message) => message.data)]
    for (const secret of Object.values(secrets)) for (const body of bodies) expect(body).not.toContain(secret)
  })
})

describe("HTTP API: changes", () => {
  it("adds stories: each link gets its own answer, a second request merges, and the Coordinator is woken", async () => {
    const wakesBefore = api.wakes()
    const added = await postJson(url("/api/stories"), { urls: ["https://archiveofourown.org/works/77", "ftp://example.com/x", "-rf", "https://example.invalid/nothing"] })
    expect(added.status).toBe(200)
    const results = (await added.json()).results
    expect(results[0]).toMatchObject({ accepted: true, storyKey: "archiveofourown:77", merged: false, jobId: expect.any(Number) })
    expect(results.slice(1).map((result: { accepted: boolean }) => result.accepted)).toEqual([false, false, false])
    expect(results[1].message).toContain("only http and https")
    expect(results[3].message).toContain("no FanFicFare site recognises it")
    expect(api.wakes()).toBeGreaterThan(wakesBefore)
    const again = await (await postJson(url("/api/stories"), { urls: ["https://archiveofourown.org/works/77"], force: true })).json()
    expect(again.results[0]).toMatchObject({ accepted: true, merged: true, jobId: results[0].jobId })
    expect((await getJson(`/api/jobs/${results[0].jobId}`)).body.force).toBe(true)
    for (const bad of [{ urls: [] }, { url: "x" }, { urls: "https://archiveofourown.org/works/1" }]) {
      const answer = await postJson(url("/api/stories"), bad)
      expect(answer.status).toBe(400)
      expect((await answer.json()).message).toMatch(/^invalid payload: /)
    }
    const broken = await fetch(url("/api/stories"), { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" })
    expect(broken.status).toBe(400)
  })

  it("retry now, cancel, force-refresh and resume act on the Store and refuse what cannot be done", async () => {
    const jobs = (await getJson("/api/jobs?pageSize=100")).body.items
    const waiting = jobs.find((job: { state: string }) => job.state === "waiting")
    const running = jobs.find((job: { state: string }) => job.state === "running")
    const done = jobs.find((job: { state: string }) => job.state === "done")
    const retried = await postJson(url(`/api/jobs/${waiting.id}/retry`), {})
    expect(retried.status).toBe(200)
    expect((await retried.json()).job).toMatchObject({ id: waiting.id, state: "queued", nextAttemptAt: null })
    expect((await postJson(url(`/api/jobs/${running.id}/retry`), {})).status).toBe(409)
    const cancelRunning = await postJson(url(`/api/jobs/${running.id}/cancel`), {})
    expect(cancelRunning.status).toBe(409)
    expect((await cancelRunning.json()).message).toContain("is running")
    const again = await (await postJson(url(`/api/jobs/${done.id}/retry`), {})).json()
    expect(again.job).toMatchObject({ storyKey: done.storyKey, state: "queued" })
    expect(again.job.id).not.toBe(done.id)
    const cancelled = await (await postJson(url(`/api/jobs/${again.job.id}/cancel`), {})).json()
    expect(cancelled.job).toMatchObject({ state: "skipped", lastError: "cancelled from the web API" })
    expect((await postJson(url("/api/jobs/424242/cancel"), {})).status).toBe(404)
    const refreshed = await (await postJson(url(`/api/stories/${encodeURIComponent(done.storyKey)}/refresh`), {})).json()
    expect(refreshed.job).toMatchObject({ storyKey: done.storyKey, force: true, state: "queued" })
    expect((await postJson(url(`/api/stories/${encodeURIComponent("nowhere:1")}/refresh`), {})).status).toBe(404)
    const resumed = await postJson(url("/api/sites/royalroad/resume"), {})
    expect(resumed.status).toBe(200)
    expect((await getJson("/api/status")).body.sites.find((site: { site: string }) => site.site === "royalroad")).toMatchObject({ paused: false, failures: 0 })
    expect((await postJson(url("/api/sites/royalroad/resume"), {})).status).toBe(409)
  })

  it("refuses changes that are not JSON, come from another site, or name another host", async () => {
    const form = await fetch(url("/api/stories"), { method: "POST", headers: { "content-type": "text/plain" }, body: "{\"urls\":[\"https://archiveofourown.org/works/5\"]}" })
    expect(form.status).toBe(415)
    const crossSite = await postJson(url("/api/stories"), { urls: ["https://archiveofourown.org/works/5"] }, { origin: "http://evil.example" })
    expect(crossSite.status).toBe(403)
    expect((await crossSite.json()).message).toContain("another site")
    const fetchMetadata = await postJson(url("/api/stories"), { urls: ["https://archiveofourown.org/works/5"] }, { "sec-fetch-site": "cross-site" })
    expect(fetchMetadata.status).toBe(403)
    const sameOrigin = await postJson(url("/api/jobs/424242/cancel"), {}, { origin: api.base })
    expect(sameOrigin.status).toBe(404)
    // A page whose DNS name was rebound to 127.0.0.1 sends its own name as Host.
    const rebound = await getWithHost(url("/api/status"), "attacker.example:8080")
    expect(rebound.status).toBe(403)
    expect(rebound.body).toContain("loopback only")
    expect((await getWithHost(url("/api/status"), `localhost:${new URL(api.base).port}`)).status).toBe(200)
    expect((await fetch(url("/api/status"))).headers.get("access-control-allow-origin")).toBeNull()
  })

  it("two authors' stories of one title get two keys, each reachable by /api/stories/:key though it holds a slash", async () => {
    const links = ["https://abraxan.fanficauthors.net/Blindness/", "https://bobmin.fanficauthors.net/Blindness/"]
    const added = (await (await postJson(url("/api/stories"), { urls: links })).json()).results
    expect(added.map((result: { storyKey: string }) => result.storyKey)).toEqual(["fanficauthors:abraxan/Blindness", "fanficauthors:bobmin/Blindness"])
    expect((await getJson(`/api/stories/${encodeURIComponent("fanficauthors:bobmin/Blindness")}`)).body.url).toBe(links[1])
    const refreshed = await postJson(url(`/api/stories/${encodeURIComponent("fanficauthors:abraxan/Blindness")}/refresh`), {})
    expect((await refreshed.json()).job).toMatchObject({ storyKey: "fanficauthors:abraxan/Blindness", force: true })
  })
})

describe("live events", () => {
  it("streams history as it is recorded, and a reconnect with Last-Event-ID gets exactly what it missed", async () => {
    // From the newest event on, whenever the server gets to the connection.
    const newest = (await getJson("/api/history?pageSize=1")).body.items[0].id
    const first = readSse(url(`/api/events?since=${newest}`), 2)
    await request("fanfiction:501", "fanfiction", "https://www.fanfiction.net/s/501/1/")
    await request("fanfiction:502", "fanfiction", "https://www.fanfiction.net/s/502/1/")
    const seen = (await first).messages
    expect(seen.map((message) => JSON.parse(message.data).storyKey)).toEqual(["fanfiction:501", "fanfiction:502"])
    expect(seen.every((message) => message.event === "history")).toBe(true)
    // Disconnected; three more events happen; the client comes back with the last id it saw.
    for (const id of [503, 504, 505]) await request(`fanfiction:${id}`, "fanfiction", `https://www.fanfiction.net/s/${id}/1/`)
    const resumed = readSse(url("/api/events"), 4, { "last-event-id": seen[1]?.id ?? "" })
    await request("fanfiction:506", "fanfiction", "https://www.fanfiction.net/s/506/1/")
    const after = (await resumed).messages.map((message) => JSON.parse(message.data))
    expect(after.map((item) => item.storyKey)).toEqual(["fanfiction:503", "fanfiction:504", "fanfiction:505", "fanfiction:506"])
    expect(after[0].id).toBe(Number(seen[1]?.id) + 1)
  })
})

describe("a server with a token, and one serving `once`", () => {
  it("changes need the token (reads do not); once is read-only; a port in use is a clear error", async () => {
    const port = await freePort()
    const token = "s3cret-web-token-value"
    const guarded = await startServer(join(scratch, "token.db"), webConfig(port, `token = "${token}"`))
    try {
      const base = guarded.api.base
      const body = { urls: ["https://archiveofourown.org/works/9"] }
      const none = await postJson(`${base}/api/stories`, body)
      expect(none.status).toBe(401)
      expect((await none.json()).message).toContain("Authorization: Bearer")
      expect((await postJson(`${base}/api/stories`, body, { authorization: "Bearer wrong" })).status).toBe(401)
      expect((await postJson(`${base}/api/stories`, body, { authorization: `Bearer ${token}` })).status).toBe(200)
      expect((await fetch(`${base}/api/status`)).status).toBe(200)
      // A token does not switch the Host check off: a rebound name reads nothing.
      for (const page of ["/api/config", "/api/stories", "/api/history", "/metrics", "/"]) expect((await getWithHost(`${base}${page}`, "evil.example")).status, page).toBe(403)
      const huge = await postJson(`${base}/api/stories`, { urls: ["x".repeat(2 * 1024 * 1024)] }, { authorization: `Bearer ${token}` })
      expect(huge.status).toBe(413)
      expect((await huge.json()).message).toContain("at most 1048576")
      for (const page of ["/api/config", "/", "/openapi.json"]) expect(await (await fetch(`${base}${page}`)).text()).not.toContain(token)
      const clash = await startServer(join(scratch, "clash.db"), webConfig(port)).then(() => "started", (error: unknown) => String(error))
      expect(clash).toMatch(/cannot listen on 127\.0\.0\.1:\d+ .*set \[web\] port/)
    } finally {
      await guarded.runtime.dispose()
    }

    const oncePort = await freePort()
    const file = join(scratch, "once.db")
    let served: ServedApi | undefined
    const onceRuntime = ManagedRuntime.make(
      Layer.effectDiscard(Effect.map(serveApi(oncePort, "once"), (value) => void (served = value))).pipe(Layer.provideMerge(apiServices(file, webConfig(oncePort))))
    )
    try {
      await onceRuntime.runPromise(Effect.void)
      const status = await (await fetch(`${served?.base}/api/status`)).json()
      expect(status).toMatchObject({ mode: "once", readOnly: true })
      const refused = await postJson(`${served?.base}/api/stories`, { urls: ["https://archiveofourown.org/works/9"] })
      expect(refused.status).toBe(409)
      expect((await refused.json()).message).toContain("read-only while `once` runs")
    } finally {
      await onceRuntime.dispose()
    }
  })

  it("adding a link only FanFicFare can read, while FanFicFare cannot run, is a 503 that says why", async () => {
    const port = await freePort()
    const broken = await startServer(join(scratch, "nofff.db"), webConfig(port, "") + "[fanficfare]\npython = \"/nonexistent/python3\"\n")
    try {
      const answer = await postJson(`${broken.api.base}/api/stories`, { urls: ["http://test1.com?sid=5"] })
      expect(answer.status).toBe(503)
      expect((await answer.json()).message).toContain("/nonexistent/python3")
    } finally {
      await broken.runtime.dispose()
    }
  })

  it("healthz answers 503 naming a service that failed for good", async () => {
    const port = await freePort()
    const dir = mkdtempSync(join(scratch, "health-"))
    writeFileSync(join(dir, "daemon-health.json"), JSON.stringify({
      pid: process.pid, startedAt: Date.now(), updatedAt: Date.now(),
      services: [{ name: "mail", state: "failed", restarts: 3, lastError: "login refused", since: Date.now() }]
    }))
    const sick = await startServer(join(dir, "automated-fanfic.db"), webConfig(port))
    try {
      const answer = await fetch(`${sick.api.base}/healthz`)
      expect(answer.status).toBe(503)
      expect((await answer.json()).message).toContain("mail (login refused)")
    } finally {
      await sick.runtime.dispose()
    }
  })
})
