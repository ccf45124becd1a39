import { beforeAll, describe, expect, it } from "@effect/vitest"
import { execFileSync, type ChildProcess } from "node:child_process"
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { killTree, runCli, startCli, waitUntil } from "../support/cli.ts"
import { calibredbWhenFree, listLibrary, requireRealComponents } from "../support/components.ts"
import { processesMentioning } from "../support/fanficfare.ts"
import { scratchFolder } from "../support/scratch.ts"

// SIGKILL at three points of a multi-story run, then a restart: nothing lost, no book twice, no
// work folder left. The real FanFicFare and calibredb; a calibredb wrapper on PATH marks the
// moment a write starts (and, for the "before the write" case, holds it there), so these runs
// use one calibredb process per call (a library session killed mid-write: librarySession.test.ts).

const scratch = scratchFolder("automated-fanfic-crash-")
const library = join(scratch, "library")
const jails = join(scratch, "tmp")
const markers = join(scratch, "markers")
const wrappers = join(scratch, "bin")
const urls = ["http://test1.com?sid=31", "http://test2.com?sid=32", "http://test3.com?sid=33", "http://test4.com?sid=34"]

const jailsLeft = () => readdirSync(jails).filter((name) => name.startsWith("automated-fanfic-job-"))
const writesStarted = () => readdirSync(markers).length

const env = (extra: Record<string, string> = {}) => ({
  FFDL_DATA__DIR: join(scratch, "data"),
  FFDL_CALIBRE__PATH: library,
  FFDL_MAX_WORKERS: "2",
  TMPDIR: jails,
  PATH: `${wrappers}:${process.env["PATH"] ?? ""}`,
  CRASH_TEST_MARKERS: markers,
  ...extra
})

const killed = async (child: ChildProcess, when: () => boolean, what: string, afterMs = 0) => {
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  await waitUntil(when, what)
  await new Promise((resolve) => setTimeout(resolve, afterMs))
  if (child.pid !== undefined) killTree(child.pid)
  return exited
}

beforeAll(() => {
  requireRealComponents()
  for (const dir of [jails, markers, wrappers]) mkdirSync(dir, { recursive: true })
  const real = execFileSync("sh", ["-c", "command -v calibredb"], { encoding: "utf8" }).trim()
  const wrapper = join(wrappers, "calibredb")
  writeFileSync(wrapper, [
    "#!/bin/bash",
    "for arg in \"$@\"; do",
    "  if [ \"$arg\" = add ] || [ \"$arg\" = add_format ]; then",
    "    touch \"$CRASH_TEST_MARKERS/write-$$\"",
    "    if [ -n \"$CRASH_TEST_HOLD_WRITES\" ]; then sleep 600; fi",
    "    break",
    "  fi",
    "done",
    `exec ${real} "$@"`,
    ""
  ].join("\n"))
  chmodSync(wrapper, 0o755)
})

// The wrapper sees each write only when every call is its own calibredb process.
const perCall = { FFDL_CALIBRE__LIBRARY_ACCESS: "calibredb" }

describe("a run killed with SIGKILL and restarted", () => {
  it("loses no story, adds no book twice and leaves no work folder", async () => {
    expect((await runCli(["add", ...urls], { env: env(perCall) })).code).toBe(0)
    expect((await runCli(["once", "--library", library, "--create-library", "--url", "http://test1.com?sid=30"], { env: env(perCall) })).code).toBe(0)

    // 1. While FanFicFare downloads.
    const duringDownload = startCli(["once"], { env: env(perCall) })
    await killed(duringDownload, () => urls.some((url) => processesMentioning(url).length > 0), "FanFicFare runs")
    expect(jailsLeft().length).toBeGreaterThan(0)

    // 2. After a download, before calibredb may write (the wrapper holds the write).
    const before = writesStarted()
    const beforeWrite = startCli(["once"], { env: env({ ...perCall, CRASH_TEST_HOLD_WRITES: "1" }) })
    await killed(beforeWrite, () => writesStarted() > before, "a calibredb write is about to start")

    // 3. While calibredb writes: a write takes about 0.7 s, most of it Calibre starting up and
    // copying; kill it half-way.
    const during = writesStarted()
    const duringWrite = startCli(["once"], { env: env(perCall) })
    await killed(duringWrite, () => writesStarted() > during, "a calibredb write starts", 450)

    const restart = await runCli(["once"], { env: env() })
    expect(restart.stderr).not.toContain("error:")
    expect(restart.code, `${restart.stdout}\n${restart.stderr}`).toBe(0)
    const jobs = JSON.parse((await runCli(["status", "--json"], { env: env(perCall) })).stdout).jobs
    expect(jobs.filter((job: { state: string }) => job.state !== "done")).toEqual([])
    const inLibrary = listLibrary(library).map((book) => book.identifiers["url"]).sort()
    expect(inLibrary).toEqual(["http://test1.com?sid=30", ...urls].sort())
    for (const book of listLibrary(library)) expect(book.formats?.some((path) => path.endsWith(".epub") && existsSync(path))).toBe(true)
    expect(jailsLeft()).toEqual([])
    for (const url of urls) expect(processesMentioning(url)).toEqual([])
  })
})

describe("a record left empty by an add killed part-way", () => {
  // calibredb creates the record (title, author) before it sets identifiers and copies the file;
  // a kill in between leaves a record with neither, which the next add meets as a duplicate.
  it("is replaced by the story on the next run, and only such a record is", async () => {
    const shelf = join(scratch, "shelf")
    expect((await runCli(["once", "--library", shelf, "--create-library", "--url", "http://test1.com?sid=40"], { env: env() })).code).toBe(0)
    const calibredb = (...args: ReadonlyArray<string>) => calibredbWhenFree([...args, "--with-library", shelf])
    calibredb("add", "--empty", "--title", "Test Story Title 41", "--authors", "Test Author aa")
    const run = await runCli(["once", "--library", shelf, "--url", "http://test1.com?sid=41"], { env: env() })
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0)
    expect(run.stderr).toContain("an empty record (no file, no identifiers) that an interrupted add left")
    const books = listLibrary(shelf).filter((book) => book.title === "Test Story Title 41")
    expect(books.map((book) => [book.identifiers["url"], book.formats?.length])).toEqual([["http://test1.com?sid=41", 1]])
  })
})
