import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { isLoopbackHost, isLoopbackHostHeader } from "../../src/config/loopback.ts"
import { interpretConfig } from "../../src/config/interpret.ts"
import { healthySite } from "../../src/jobs/siteBreaker.ts"
import { refusalFor, tokenRefusal } from "../../src/web/requestGuard.ts"
import { maskUrlCredentials } from "../../src/config/maskUrls.ts"
import { maskedConfig } from "../../src/config/renderConfig.ts"
import { metricsText, statusSnapshot, widgetOf } from "../../src/web/statusSnapshot.ts"

// The pure parts of the HTTP API: who may do what, and what status says.

const open = { loopbackOnly: true, readOnly: false }
const json = { host: "127.0.0.1:8080", "content-type": "application/json" }

describe("URL credentials in settings", () => {
  it("are masked, the rest of the URL kept", () => {
    expect(maskUrlCredentials("http://bob:SECRET@host:8080/#lib")).toBe("http://<redacted>@host:8080/#lib")
    expect(maskUrlCredentials("https://token@example.com/path")).toBe("https://<redacted>@example.com/path")
    expect(maskUrlCredentials("http://host:8080/#lib")).toBe("http://host:8080/#lib")
    expect(maskUrlCredentials("/books/with@sign")).toBe("/books/with@sign")
    expect(maskedConfig({ calibre: { path: "http://a:b@h/" }, list: ["json://u:p@h/x"] })).toEqual({ calibre: { path: "http://<redacted>@h/" }, list: ["json://<redacted>@h/x"] })
  })
})

describe("request guard", () => {
  it.each([
    ["a read from this machine", open, "GET", { host: "127.0.0.1:8080" }, undefined],
    ["a read naming localhost", open, "GET", { host: "localhost:8080" }, undefined],
    ["a read for a rebound DNS name", open, "GET", { host: "evil.example:8080" }, 403],
    ["a JSON change from this machine", open, "POST", json, undefined],
    ["a form-encoded change", open, "POST", { ...json, "content-type": "application/x-www-form-urlencoded" }, 415],
    ["a change without a content type", open, "POST", { host: "127.0.0.1:8080" }, 415],
    ["a change from another origin", open, "POST", { ...json, origin: "http://evil.example" }, 403],
    ["a change from the dashboard's own origin", open, "POST", { ...json, origin: "http://127.0.0.1:8080" }, undefined],
    ["a cross-site change by fetch metadata", open, "DELETE", { ...json, "sec-fetch-site": "cross-site" }, 403],
    ["any change while once runs", { ...open, readOnly: true }, "POST", json, 409],
    ["a read by any name when not bound to loopback (a token is then set)", { loopbackOnly: false, readOnly: false }, "GET", { host: "nas.lan:8080" }, undefined],
    ["a read for a rebound DNS name on loopback, token or not", open, "GET", { host: "evil.example", authorization: "Bearer t0ken" }, 403],
    ["a body over a megabyte, before it is read", open, "POST", { ...json, "content-length": String(1024 * 1024 + 1) }, 413],
    ["a body over a megabyte with the token", open, "POST", { ...json, authorization: "Bearer t0ken", "content-length": "150000000" }, 413],
    ["a body of a megabyte", open, "POST", { ...json, "content-length": String(1024 * 1024) }, undefined]
  ])("%s", (_name, settings, method, headers, status) => {
    expect(refusalFor(settings, { method, headers })?.status).toBe(status)
  })

  // What the API's RequireToken middleware decides from the credential after "Bearer ".
  it.each([
    ["a change without the token", "t0ken", "", /needs the web token/],
    ["a change with a wrong token", "t0ken", "t0ke", /token is wrong/],
    ["a change with the token", "t0ken", "t0ken", undefined],
    ["any change when no token is set", "", "", undefined]
  ])("%s", (_name, expected, given, refusal) => {
    const answer = tokenRefusal(expected, given)
    if (refusal === undefined) expect(answer).toBeUndefined()
    else expect(answer).toMatch(refusal)
  })

  it("knows loopback hosts from the rest", () => {
    expect(["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"].every(isLoopbackHost)).toBe(true)
    expect(["0.0.0.0", "192.168.1.5", "::", "example.com", "127.0.0.1.example.com"].some(isLoopbackHost)).toBe(false)
    expect(isLoopbackHostHeader("[::1]:8080")).toBe(true)
    expect(isLoopbackHostHeader("localhost.evil.example")).toBe(false)
  })
})

describe("[web] configuration", () => {
  const problems = (text: string, environment: Record<string, string> = {}) => {
    const result = interpretConfig(text, "config.toml", environment)
    return result._tag === "Failure" ? result.failure.problems.map((problem) => `${problem.key}: ${problem.message}`) : []
  }
  it("refuses an address others can reach without a token, and names the fix", () => {
    expect(problems("[web]\nenabled = true\nhost = \"0.0.0.0\"\n")).toEqual([expect.stringMatching(/^web\.host: is "0\.0\.0\.0", which other machines can reach, but web\.token is empty; set web\.token/)])
    expect(problems("[web]\nenabled = true\nhost = \"0.0.0.0\"\n", { FFDL_WEB__TOKEN: "long-random" })).toEqual([])
    expect(problems("[web]\nenabled = false\nhost = \"0.0.0.0\"\n")).toEqual([])
    expect(problems("[web]\nenabled = true\nhost = \"127.0.0.1\"\nhistory_db_path = \"/data/history.db\"\n")).toEqual([])
  })

  it("names the environment variables when the values came from there (a compose file), not a line of config.toml", () => {
    const result = interpretConfig("[web]\nenabled = false\n", "config.toml", { FFDL_WEB__ENABLED: "true", FFDL_WEB__HOST: "0.0.0.0", FFDL_WEB__TOKEN: "" })
    const found = result._tag === "Failure" ? result.failure.problems : []
    expect(found).toEqual([{
      key: "FFDL_WEB__HOST",
      source: "environment",
      message: expect.stringMatching(/^is "0\.0\.0\.0", which other machines can reach, but web\.token is empty \(FFDL_WEB__TOKEN is set, to nothing\); set FFDL_WEB__TOKEN to/)
    }])
    expect(problems("[web]\nenabled = true\nhost = \"0.0.0.0\"\n", { FFDL_WEB__TOKEN: "" })).toEqual([expect.stringMatching(/^web\.host: .*\(FFDL_WEB__TOKEN is set, to nothing\)/)])
  })
})

describe("status snapshot", () => {
  const now = 1_000_000
  const job = (id: number, state: "queued" | "running" | "waiting", since: number) => ({
    id, storyKey: `test1:${id}`, url: `http://test1.com?sid=${id}`, site: "test1", state, attempts: 1, interruptions: 0, force: false,
    origins: ["manual"], nextAttemptAt: state === "waiting" ? now + 60_000 : null, lastError: state === "waiting" ? "HTTP 503" : null,
    title: id === 1 ? "One" : null, since
  })
  const status = statusSnapshot({
    mode: "daemon",
    now,
    health: undefined,
    counts: { queued: 1, running: 1, waiting: 1, done: 7, failed: 0, skipped: 0 },
    sites: [{ ...healthySite("test2"), failures: 2, opens: 1, openUntil: now + 5000, lastError: "HTTP 429" }],
    openJobs: [job(1, "running", now - 2500), job(2, "waiting", now - 100), job(3, "queued", now)]
  })

  it("lists running jobs with elapsed time, waiting ones with their time, and every site", () => {
    expect(status.running).toEqual([expect.objectContaining({ jobId: 1, title: "One", startedAt: now - 2500, elapsedMs: 2500 })])
    expect(status.waiting).toEqual([expect.objectContaining({ jobId: 2, nextAttemptAt: now + 60_000, lastError: "HTTP 503" })])
    expect(status.queued.map((entry) => entry.jobId)).toEqual([3])
    expect(status.sites.map((site) => [site.site, site.paused])).toEqual([["test1", false], ["test2", true]])
  })

  it("gives the widget AutomatedFanfic's fields, and metrics one sample per state and site", () => {
    expect(widgetOf(status)).toEqual({
      active_downloads: 1, queued: 1, waiting_retry: 1, total_completed: 7, status: "running",
      active: [{ url: "http://test1.com?sid=1", site: "test1", title: "One", state: "downloading" }, { url: "http://test1.com?sid=2", site: "test1", title: null, state: "waiting" }]
    })
    const text = Effect.runSync(metricsText(status, 42))
    expect(text).toContain('automated_fanfic_jobs{state="done"} 7')
    expect(text).toContain('automated_fanfic_site_paused{site="test2"} 1')
    expect(text).toContain("automated_fanfic_running_job_seconds 2.5")
    expect(text).toContain("automated_fanfic_history_events_total 42")
  })
})
