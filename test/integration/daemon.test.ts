import { afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import { type ChildProcess } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { runCli, startCli, waitUntil } from "../support/cli.ts"
import { listLibrary, requireRealComponents } from "../support/components.ts"
import { processesMentioning } from "../support/fanficfare.ts"
import { startHttpReceiver } from "../support/receivers.ts"
import { scratchFolder } from "../support/scratch.ts"

// The daemon with the real FanFicFare and calibredb: it picks up what `add` queues from another
// process, and SIGTERM stops it cleanly, putting a job it was running back in the queue.

const scratch = scratchFolder("automated-fanfic-daemon-")
const library = join(scratch, "library")
const jails = join(scratch, "tmp")
const slowIni = join(scratch, "slow.ini")
const env = { FFDL_DATA__DIR: join(scratch, "data"), FFDL_CALIBRE__PATH: library, FFDL_CALIBRE__PERSONAL_INI: slowIni, TMPDIR: jails }

const jobsNow = async (): Promise<ReadonlyArray<{ url: string; state: string }>> =>
  JSON.parse((await runCli(["status", "--json"], { env })).stdout).jobs

// main sets the process title right after it installs its signal handling, so a process whose
// command line reads "automated-fanfic" already stops cleanly on a signal.
const handlesSignals = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("automated-fanfic")
  } catch {
    return false
  }
}

const exitOf = (child: ChildProcess) => new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))

// A failed expectation must not leave a daemon running into the next test.
const started: Array<ChildProcess> = []
const startDaemon = (daemonEnv: Record<string, string>) => {
  const child = startCli(["daemon"], { env: daemonEnv })
  started.push(child)
  return child
}
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
})

beforeAll(async () => {
  requireRealComponents()
  mkdirSync(jails, { recursive: true })
  // test4.com?sid=N has N chapters; with a sleep per chapter a download takes long enough to stop it half-way.
  writeFileSync(slowIni, "[test4.com]\nslow_down_sleep_time:1\n")
  expect((await runCli(["once", "--url", "http://test1.com?sid=50", "--library", library, "--create-library"], { env })).code).toBe(0)
})

describe("daemon", () => {
  it("runs a job added from another terminal, and SIGTERM mid-download stops it cleanly with the job queued again", async () => {
    const daemon = startDaemon(env)
    const exited = exitOf(daemon)
    expect((await runCli(["add", "http://test1.com?sid=51"], { env })).code).toBe(0)
    let states: ReadonlyArray<{ url: string; state: string }> = []
    for (let tries = 0; tries < 60 && !states.some((job) => job.url === "http://test1.com?sid=51" && job.state === "done"); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      states = await jobsNow()
    }
    // Job 1 is the `once --url` of beforeAll, recorded in the same store.
    expect(states).toEqual([
      expect.objectContaining({ url: "http://test1.com?sid=50", state: "done" }),
      expect.objectContaining({ url: "http://test1.com?sid=51", state: "done" })
    ])
    expect(listLibrary(library).map((book) => book.identifiers["url"]).sort()).toEqual(["http://test1.com?sid=50", "http://test1.com?sid=51"])

    expect((await runCli(["add", "http://test4.com?sid=40"], { env })).code).toBe(0)
    await waitUntil(() => processesMentioning("test4.com?sid=40").length > 0, "FanFicFare downloads the slow story", 30_000)
    daemon.kill("SIGTERM")
    expect(await exited).toBe(0)
    expect(processesMentioning("test4.com?sid=40")).toEqual([])
    expect(readdirSync(jails).filter((name) => name.startsWith("automated-fanfic-job-"))).toEqual([])
    expect(await jobsNow()).toContainEqual(expect.objectContaining({ url: "http://test4.com?sid=40", state: "queued" }))
  })

  // A clean stop can take long: here the last notification waits on a service that never answers.
  it("a second signal ends a slow clean stop at once", async () => {
    const silent = await startHttpReceiver()
    const slowStop = { ...env, FFDL_APPRISE_URLS: `json://127.0.0.1:${silent.port}/slow`, FFDL_NOTIFICATIONS__DIGEST_SECONDS: "60", FFDL_NOTIFICATIONS__TIMEOUT_SECONDS: "60" }
    const daemon = startDaemon(slowStop)
    const exited = exitOf(daemon)
    expect((await runCli(["add", "http://test1.com?sid=52"], { env })).code).toBe(0)
    for (let tries = 0; tries < 60 && !(await jobsNow()).some((job) => job.url === "http://test1.com?sid=52" && job.state === "done"); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
    daemon.kill("SIGTERM")
    await waitUntil(() => silent.received.length > 0, "the clean stop trying to send the last notification", 30_000)
    const secondAt = Date.now()
    daemon.kill("SIGTERM")
    expect(await exited).toBe(130)
    expect(Date.now() - secondAt).toBeLessThan(5_000)
    await silent.close()
  })

  // Start-up is caught at its earliest point that can be caught (before it, Node's own handler
  // kills the process): the moment main's signal handling is in place, whatever the machine's speed.
  it("a signal during start-up stops it cleanly, leaving no health file behind", async () => {
    const daemon = startDaemon(env)
    const exited = exitOf(daemon)
    await waitUntil(() => handlesSignals(daemon.pid ?? 0), "the daemon handles signals", 20_000)
    daemon.kill("SIGTERM")
    expect([0, 130]).toContain(await exited)
    expect(readdirSync(join(scratch, "data")).filter((name) => name.startsWith("daemon-health"))).toEqual([])
  })

  it("a signal at any later moment of start-up also stops it cleanly", async () => {
    for (const delayMs of [50, 150, 400, 1000]) {
      const daemon = startDaemon(env)
      const exited = exitOf(daemon)
      await waitUntil(() => handlesSignals(daemon.pid ?? 0), "the daemon handles signals", 20_000)
      await new Promise((resolve) => setTimeout(resolve, delayMs))
      daemon.kill("SIGTERM")
      expect([0, 130], `SIGTERM ${delayMs} ms after the handler was installed`).toContain(await exited)
    }
  })
})

