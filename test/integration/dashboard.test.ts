import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type ChildProcess } from "node:child_process"
import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { join } from "node:path"
import { type Browser, chromium } from "playwright-core"
import { runCli, startCli } from "../support/cli.ts"
import { requireRealComponents } from "../support/components.ts"
import { repoRoot } from "../support/paths.ts"
import { freePort } from "../support/ports.ts"
import { scratchFolder } from "../support/scratch.ts"

// The dashboard in a real browser (Debian's chromium, headless) against the real daemon, the
// real FanFicFare and calibredb: a story added from the page downloads, and its row turns `done`
// through the live event stream, without reloading. Screenshots land in test/.artifacts/.

const chromiumPath = "/usr/bin/chromium"
const artifacts = join(repoRoot, "test", ".artifacts")
const scratch = scratchFolder("automated-fanfic-dashboard-")
const library = join(scratch, "library")
const jails = join(scratch, "tmp")
const baseEnv = { FFDL_DATA__DIR: join(scratch, "data"), FFDL_CALIBRE__PATH: library, TMPDIR: jails }

const exitOf = (child: ChildProcess) => new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))

const waitForHealth = async (url: string, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  let last = "no answer"
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url)
      if (response.ok) return
      last = `${response.status} ${await response.text()}`
    } catch (error) {
      last = String(error)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`timed out waiting for ${url}: ${last}`)
}

let browser: Browser | undefined
let daemon: ChildProcess | undefined

beforeAll(async () => {
  requireRealComponents()
  if (!existsSync(chromiumPath)) throw new Error(`chromium is not installed at ${chromiumPath}: run bash scripts/setup.sh (as root it installs Debian's chromium)`)
  mkdirSync(jails, { recursive: true })
  mkdirSync(artifacts, { recursive: true })
  expect((await runCli(["once", "--url", "http://test1.com?sid=50", "--library", library, "--create-library"], { env: baseEnv })).code).toBe(0)
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
  })
})

afterAll(async () => {
  await browser?.close()
  if (daemon !== undefined && daemon.exitCode === null && daemon.signalCode === null) daemon.kill("SIGKILL")
})

describe("dashboard", () => {
  it("adds a story from the page and shows it done, live, on a desktop and a phone", async () => {
    if (browser === undefined) throw new Error("chromium did not start")
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    daemon = startCli(["daemon"], { env: { ...baseEnv, FFDL_WEB__ENABLED: "true", FFDL_WEB__HOST: "127.0.0.1", FFDL_WEB__PORT: String(port) } })
    const exited = exitOf(daemon)
    await waitForHealth(`${base}/healthz`, 30_000)

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const pageErrors: Array<string> = []
    page.on("pageerror", (error) => pageErrors.push(error.message))
    await page.goto(`${base}/`)
    await page.locator("#live.on").waitFor({ timeout: 15_000 })
    // Set on this document only: still there at the end means the page was never reloaded.
    await page.evaluate(() => { document.documentElement.dataset["testMarker"] = "kept" })

    await page.fill("#add-urls", "http://test1.com?sid=7")
    await page.click("#add-button")
    const accepted = page.locator("#add-results li.accepted")
    await accepted.waitFor({ timeout: 15_000 })
    expect(await accepted.textContent()).toContain("http://test1.com?sid=7")
    const key = await accepted.getAttribute("data-key")
    if (key === null || key === "") throw new Error("the accepted result names no story key")

    await page.waitForFunction(
      (storyKey) => Array.from(document.querySelectorAll("#stories tr[data-key]")).some((row) =>
        row.getAttribute("data-key") === storyKey && row.querySelector(".state")?.textContent?.trim().startsWith("done") === true),
      key,
      { timeout: 90_000, polling: 250 }
    )
    expect(await page.evaluate(() => document.documentElement.dataset["testMarker"])).toBe("kept")
    // The daemon read the library in at its start: the watch sources table says so.
    await page.locator("#watch tr", { hasText: "import" }).waitFor({ timeout: 15_000 })
    expect(await page.locator("#history li").count()).toBeGreaterThan(0)
    expect(Number(await page.textContent('#counts [data-count="done"] b'))).toBeGreaterThanOrEqual(1)
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.screenshot({ path: join(artifacts, "dashboard.png"), fullPage: true })

    // "Refresh (force)" downloads every chapter again and replaces the book in place.
    await page.locator(`#stories tr[data-key="${key}"] button`, { hasText: "Refresh (force)" }).click()
    const deadline = Date.now() + 90_000
    let story: { lastOutcome?: string; job?: { state?: string; id?: number } } = {}
    while (!(story.lastOutcome === "updated" && story.job?.state === "done")) {
      if (Date.now() > deadline) throw new Error(`the forced refresh did not finish: ${JSON.stringify(story)}`)
      await new Promise((resolve) => setTimeout(resolve, 250))
      story = await (await fetch(`${base}/api/stories/${encodeURIComponent(key)}`)).json()
    }

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true })
    const phonePage = await phone.newPage()
    phonePage.on("pageerror", (error) => pageErrors.push(error.message))
    await phonePage.goto(`${base}/`)
    await phonePage.locator(`#stories tr[data-key="${key}"]`).waitFor({ timeout: 15_000 })
    await phonePage.locator("#config").filter({ hasText: "{" }).waitFor({ timeout: 15_000 })
    await phonePage.screenshot({ path: join(artifacts, "dashboard-phone.png"), fullPage: true })
    const widths = await phonePage.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }))
    expect(widths.scroll).toBeLessThanOrEqual(widths.inner)
    await phone.close()
    expect(pageErrors).toEqual([])

    daemon.kill("SIGTERM")
    expect(await exited).toBe(0)
  })

  it("once serves its progress read-only while it runs, then exits", async () => {
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    const slowIni = join(scratch, "slow.ini")
    // test4.com?sid=N has N chapters; a second per chapter keeps `once` busy long enough to look.
    writeFileSync(slowIni, "[test4.com]\nslow_down_sleep_time:1\n")
    const env = { ...baseEnv, FFDL_CALIBRE__PERSONAL_INI: slowIni, FFDL_WEB__ENABLED: "true", FFDL_WEB__PORT: String(port) }
    expect((await runCli(["add", "http://test4.com?sid=8"], { env })).code).toBe(0)
    const once = startCli(["once"], { env })
    const exited = exitOf(once)
    await waitForHealth(`${base}/healthz`, 30_000)
    let status: { mode?: string; readOnly?: boolean; running?: ReadonlyArray<{ url: string }> } = {}
    const deadline = Date.now() + 30_000
    while (status.running?.length !== 1) {
      if (Date.now() > deadline) throw new Error(`once never showed its running job: ${JSON.stringify(status)}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
      status = await (await fetch(`${base}/api/status`)).json()
    }
    expect(status).toMatchObject({ mode: "once", readOnly: true, running: [{ url: "http://test4.com?sid=8" }] })
    const refused = await fetch(`${base}/api/stories`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ urls: ["http://test1.com?sid=9"] }) })
    expect(refused.status).toBe(409)
    expect(await exited).toBe(0)
    const jobs: ReadonlyArray<{ url: string; state: string }> = JSON.parse((await runCli(["status", "--json"], { env })).stdout).jobs
    expect(jobs).toContainEqual(expect.objectContaining({ url: "http://test4.com?sid=8", state: "done" }))
    expect(jobs.some((job) => job.url === "http://test1.com?sid=9")).toBe(false)
  })

  it("a taken port stops the daemon at start-up with exit 3, naming the port and the fix", async () => {
    const port = await freePort()
    const squatter = createServer().listen(port, "127.0.0.1")
    await new Promise((resolve) => squatter.once("listening", resolve))
    try {
      const run = await runCli(["daemon"], { env: { ...baseEnv, FFDL_WEB__ENABLED: "true", FFDL_WEB__PORT: String(port) } })
      expect(run.code).toBe(3)
      expect(run.stderr).toContain(`cannot listen on 127.0.0.1:${port} (the port is in use: EADDRINUSE); set [web] port to a free port`)
    } finally {
      squatter.close()
    }
  })
})
