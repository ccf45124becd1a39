import { beforeAll, describe, expect, it } from "@effect/vitest"
import { execFileSync, spawn } from "node:child_process"
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { killGroup, runCli, startCli, startDaemon, waitUntil } from "../support/cli.ts"
import { listLibrary, requireRealComponents } from "../support/components.ts"
import { programsWithArgument } from "../support/fanficfare.ts"
import { scratchFolder } from "../support/scratch.ts"

// Who owns a running job, a work folder, a password file and a child program: something the
// kernel ends with the process, never a pid (ARCHITECTURE 4b), tried where pids mislead: the
// daemon as pid 1 of a pid namespace on every start, and another process looking from another
// pid namespace. And the children of a killed daemon die with it.

const scratch = scratchFolder("automated-fanfic-ownership-")
const library = join(scratch, "library")
const temp = join(scratch, "tmp")
const slowIni = join(scratch, "slow.ini")
const env = (name: string, extra: Record<string, string> = {}) => ({
  FFDL_DATA__DIR: join(scratch, `data-${name}`), FFDL_CALIBRE__PATH: library, FFDL_CALIBRE__PERSONAL_INI: slowIni, TMPDIR: temp, ...extra
})
const workFolders = () => readdirSync(temp).filter((name) => name.startsWith("automated-fanfic-job-"))

const jobStates = async (name: string): Promise<ReadonlyArray<string>> =>
  JSON.parse((await runCli(["status", "--json"], { env: env(name) })).stdout).jobs.map((job: { state: string }) => job.state)

beforeAll(async () => {
  requireRealComponents()
  mkdirSync(temp, { recursive: true })
  // test4.com?sid=N has N chapters; a second per chapter makes a download long enough to interrupt.
  writeFileSync(slowIni, "[test4.com]\nslow_down_sleep_time:1\n")
  execFileSync("calibredb", ["list", "--with-library", library], { env: { ...process.env, QTWEBENGINE_DISABLE_SANDBOX: "1" }, stdio: "ignore" })
})

describe("a daemon that is pid 1 on every start (a container restarted after a crash)", () => {
  it("takes back the job its killed predecessor, also pid 1, left running, and finishes it", async () => {
    const url = "http://test4.com?sid=6"
    expect((await runCli(["add", url], { env: env("pid1") })).code).toBe(0)
    const first = startDaemon(["daemon"], { env: env("pid1"), pidNamespace: true })
    try {
      await waitUntil(() => programsWithArgument(url).length > 0, "FanFicFare downloads the story", 60_000)
    } finally {
      await killGroup(first)
    }
    expect(await jobStates("pid1")).toEqual(["running"])
    const second = startDaemon(["daemon"], { env: env("pid1"), pidNamespace: true })
    try {
      let states: ReadonlyArray<string> = []
      for (let tries = 0; tries < 90 && states[0] !== "done"; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 1000))
        states = await jobStates("pid1")
      }
      expect(states).toEqual(["done"])
    } finally {
      await killGroup(second)
    }
  })
})

describe("the programs of a daemon killed with its process group", () => {
  it("die with it, and a start ends any that did not before it touches their work folders", async () => {
    const url = "http://test4.com?sid=7"
    expect((await runCli(["add", url], { env: env("group") })).code).toBe(0)
    const daemon = startDaemon(["daemon"], { env: env("group") })
    try {
      await waitUntil(() => programsWithArgument(url).length > 0, "FanFicFare downloads the story", 60_000)
    } finally {
      await killGroup(daemon)
    }
    await waitUntil(() => programsWithArgument(url).length === 0, "FanFicFare dies with the daemon", 2000)

    // A program left by a run whose owner is gone (say, one started before setpriv could act).
    const stray = spawn("sleep", ["300"], { env: { ...process.env, AUTOMATED_FANFIC_OWNER_LOCK: join(temp, "automated-fanfic-owner-0123456789abcdef.lock") }, stdio: "ignore" })
    const strayEnded = new Promise<string | null>((resolve) => stray.once("exit", (_, signal) => resolve(signal)))
    const run = await runCli(["once"], { env: env("group") })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain("ended 1 program(s) still running for a killed run")
    expect(await strayEnded).toBe("SIGKILL")
    expect(workFolders()).toEqual([])
  })
})

describe("work folders", () => {
  it("of a live run are kept by a start in another pid namespace sharing the temporary folder", async () => {
    const url = "http://test4.com?sid=5"
    const before = workFolders()
    const running = startCli(["once", "--url", url], { env: env("shared-a") })
    const finished = new Promise<number | null>((resolve) => running.once("exit", (code) => resolve(code)))
    await waitUntil(() => programsWithArgument(url).length > 0, "FanFicFare downloads the story", 60_000)
    const live = workFolders().filter((name) => !before.includes(name))
    expect(live).toHaveLength(1)
    const elsewhere = execFileSync("unshare", ["--pid", "--fork", "--mount-proc", join(import.meta.dirname, "..", "..", "bin", "automated-fanfic"), "once"], {
      env: { ...process.env, ...env("shared-b") },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"]
    })
    expect(elsewhere).toContain("0 stories")
    expect(workFolders()).toEqual(expect.arrayContaining(live))
    expect(await finished).toBe(0)
    expect(listLibrary(library).map((book) => book.identifiers["url"])).toContain(url)
  })

  it("that vanishes under a job is that job's failure, tried again later, not a broken FanFicFare", async () => {
    // A calibredb that, while the job looks the story up, removes every work folder (as a
    // careless cleaner of the temporary folder would); one calibredb process per call, so the
    // wrapper sees the look-up.
    const wrappers = join(scratch, "bin")
    mkdirSync(wrappers, { recursive: true })
    const real = execFileSync("sh", ["-c", "command -v calibredb"], { encoding: "utf8" }).trim()
    writeFileSync(join(wrappers, "calibredb"), `#!/bin/sh\n[ "$1" = list ] && rm -rf "$TMPDIR"/automated-fanfic-job-*\nexec ${real} "$@"\n`)
    chmodSync(join(wrappers, "calibredb"), 0o755)
    expect((await runCli(["add", "http://test1.com?sid=71"], { env: env("vanish") })).code).toBe(0)
    const run = await runCli(["once"], { env: env("vanish", { PATH: `${wrappers}:${process.env["PATH"] ?? ""}`, FFDL_CALIBRE__LIBRARY_ACCESS: "calibredb" }) })
    expect(run.stderr).not.toContain("FanFicFare cannot run")
    expect(run.stdout).toContain("vanished during the run")
    expect(run.code, run.stderr).toBe(1)
    expect(await jobStates("vanish")).toEqual(["waiting"])
  })
})

describe("the Calibre password file of a killed run", () => {
  it("is removed at the next start, with folders whose owner is gone", async () => {
    const leftovers = ["automated-fanfic-calibre-0123456789abcdef-Ab12Cd", "automated-fanfic-calibre-Xy34Zw", "automated-fanfic-job-0123456789abcdef-Qr56St"]
    for (const name of leftovers) {
      mkdirSync(join(temp, name))
      writeFileSync(join(temp, name, "password"), "SECRET", { mode: 0o600 })
    }
    const run = await runCli(["once"], { env: env("secret") })
    expect(run.code, run.stderr).toBe(0)
    for (const name of leftovers) expect(existsSync(join(temp, name)), name).toBe(false)
  })
})
