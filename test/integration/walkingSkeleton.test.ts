import { beforeAll, describe, expect, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs"
import { DatabaseSync } from "node:sqlite"
import { join } from "node:path"
import { runCli } from "../support/cli.ts"
import { startHttpReceiver } from "../support/receivers.ts"
import { listLibrary, requireRealComponents } from "../support/components.ts"
import { scratchFolder } from "../support/scratch.ts"

// The single pass end to end with the real FanFicFare (offline test1.com site) and real calibredb.

const scratch = scratchFolder("automated-fanfic-skeleton-")
// These runs keep their work folders in a temporary folder of their own, so another program's
// live jobs elsewhere on the machine are not counted.
const jails = join(scratch, "tmp")
mkdirSync(jails)
const ownTmp = { TMPDIR: jails }
const jailsLeft = () => readdirSync(jails).filter((name) => name.startsWith("automated-fanfic-job-"))

beforeAll(() => requireRealComponents())

describe("once --url into a new local Calibre library", () => {
  const library = join(scratch, "library")

  it("downloads a test1.com story and adds it with its URL identifier", async () => {
    const run = await runCli(["once", "--url", "http://test1.com?sid=1", "--library", library, "--create-library"], { env: ownTmp })
    expect(run.stderr).not.toContain("error:")
    expect(run.code).toBe(0)
    expect(run.stdout).toContain("added     \"Test Story Title 1\" (http://test1.com?sid=1)")
    const books = listLibrary(library)
    expect(books).toHaveLength(1)
    expect(books[0]?.title).toBe("Test Story Title 1")
    expect(books[0]?.identifiers["url"]).toBe("http://test1.com?sid=1")
    expect(books[0]?.formats?.some((path) => path.endsWith(".epub") && existsSync(path))).toBe(true)
  })

  it("a second identical run finds the book, reports nothing new and adds no duplicate", async () => {
    const run = await runCli(["once", "--url", "http://test1.com?sid=1", "--library", library, "--json", "--log-format", "json"], { env: ownTmp })
    expect(run.code).toBe(0)
    const logLines = run.stderr.trim().split("\n").map((line) => JSON.parse(line))
    expect(logLines).toContainEqual(expect.objectContaining({ level: "INFO", message: "refreshing http://test1.com?sid=1" }))
    const result = JSON.parse(run.stdout)
    expect(result.stories).toEqual([
      expect.objectContaining({ url: "http://test1.com?sid=1", result: "unchanged", bookId: 1, chapters: 9 })
    ])
    expect(listLibrary(library)).toHaveLength(1)
  })

  it("another link to the same story finds the book by FanFicFare's canonical URL, adding no duplicate", async () => {
    const run = await runCli(["once", "--url", "http://www.test1.com/?sid=1", "--library", library, "--json"], { env: ownTmp })
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).stories).toEqual([expect.objectContaining({ result: "unchanged", bookId: 1 })])
    expect(listLibrary(library)).toHaveLength(1)
  })

  it("a story that does not exist fails with the reason and exit 1, leaving the library alone", async () => {
    const run = await runCli(["once", "--url", "http://test1.com?sid=666", "--library", library], { env: ownTmp })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain("failed    http://test1.com?sid=666: the story does not exist")
    expect(listLibrary(library)).toHaveLength(1)
  })

  it("leaves no job directory behind", () => {
    expect(jailsLeft()).toEqual([])
  })
})

describe("once --url goes through the job store like every other path", () => {
  const library = join(scratch, "recorded-library")
  const env = { FFDL_DATA__DIR: join(scratch, "recorded-data"), FFDL_CALIBRE__PATH: library }

  it("its story gets a job, a history and a notification, and shows in status", async () => {
    const receiver = await startHttpReceiver()
    const notifying = { ...env, FFDL_APPRISE_URLS: `json://127.0.0.1:${receiver.port}/notify`, FFDL_NOTIFICATIONS__DIGEST_SECONDS: "0" }
    const run = await runCli(["once", "--url", "http://test1.com?sid=8", "--library", library, "--create-library"], { env: notifying })
    await receiver.close()
    expect(run.code).toBe(0)
    const status = JSON.parse((await runCli(["status", "--json"], { env })).stdout)
    expect(status.jobs).toEqual([expect.objectContaining({ url: "http://test1.com?sid=8", state: "done", attempts: 1, origins: ["once"] })])
    expect(status.stories).toEqual([expect.objectContaining({ key: "test1:8", title: "Test Story Title 8", lastOutcome: "added" })])
    const history = new DatabaseSync(join(env.FFDL_DATA__DIR, "automated-fanfic.db"))
      .prepare("SELECT kind FROM events WHERE story_key = 'test1:8' ORDER BY id").all().map((row) => row["kind"])
    expect(history).toEqual(["requested", "Started", "Succeeded"])
    expect(receiver.received.map((request) => request.body).join("\n")).toContain("Test Story Title 8")
  })

  it("a story whose Calibre record is broken does not stop the others, and --json still prints every story", async () => {
    // A record with the story's URL and no EPUB, as a calibredb add killed part-way leaves it.
    execFileSync("calibredb", ["add", "--with-library", library, "--empty", "--title", "Test Story Title 9", "--authors", "Test Author aa", "--identifier", "url:http://test1.com?sid=9"],
      { env: { ...process.env, QTWEBENGINE_DISABLE_SANDBOX: "1" }, stdio: "pipe" })
    const run = await runCli(["once", "--json", "--url", "http://test1.com?sid=9", "--url", "http://test1.com?sid=10", "--library", library], { env })
    expect(run.stderr).not.toContain("error:")
    const result = JSON.parse(run.stdout)
    expect(result.stories).toHaveLength(2)
    expect(result.stories).toContainEqual(expect.objectContaining({ url: "http://test1.com?sid=10", storyKey: "test1:10", result: "added" }))
    expect(result.stories).toContainEqual(expect.objectContaining({ storyKey: "test1:9" }))
    expect(result.summary.stories).toBe(2)
  })

  it("a waiting retry of a story named with --url runs now, not at its stored time", async () => {
    expect((await runCli(["once", "--url", "http://test1.com?sid=11"], { env })).code).toBe(0)
    expect((await runCli(["add", "http://test1.com?sid=11"], { env })).code).toBe(0)
    const store = new DatabaseSync(join(env.FFDL_DATA__DIR, "automated-fanfic.db"))
    store.prepare("UPDATE jobs SET state = 'waiting', next_attempt_at = ? WHERE story_key = 'test1:11' AND state = 'queued'").run(Date.now() + 3_600_000)
    const run = await runCli(["once", "--json", "--url", "http://test1.com?sid=11"], { env })
    expect(JSON.parse(run.stdout).stories, run.stderr).toEqual([expect.objectContaining({ storyKey: "test1:11", result: "unchanged" })])
    expect(run.code).toBe(0)
    const jobs = JSON.parse((await runCli(["status", "--json"], { env })).stdout).jobs.filter((job: { url: string }) => job.url === "http://test1.com?sid=11")
    expect(jobs.map((job: { state: string }) => job.state)).toEqual(["done", "done"])
  })
})

describe("once --url updates a story that gained chapters", () => {
  const library = join(scratch, "update-library")
  // test1.com builds stories with sid >= 1000 from ini sections; dateUpdated must be today or
  // FanFicFare skips the update as older than the file.
  const today = new Date().toLocaleDateString("sv-SE")
  const storyIni = (chapters: ReadonlyArray<string>) => {
    const path = join(scratch, `personal-${chapters.length}.ini`)
    writeFileSync(path, [
      "[teststory:2000]",
      "title:Ini Story {{storyId}}",
      "author_list:Ini Author",
      `dateUpdated:${today}`,
      "status:In-Progress",
      `chaptertitles:${chapters.join(",")}`,
      ""
    ].join("\n"))
    const config = join(scratch, `config-${chapters.length}.toml`)
    writeFileSync(config, `[calibre]\npath = "${library}"\npersonal_ini = "${path}"\nmetadata_preservation_mode = "add_format"\n`)
    return config
  }

  it("adds two chapters, then replaces the EPUB in place when the source has four", async () => {
    const first = await runCli(["once", "-c", storyIni(["Prologue", "Chapter 1"]), "--url", "http://test1.com?sid=2000", "--library", library, "--create-library"])
    expect(first.code).toBe(0)
    expect(first.stdout).toContain("added")
    const [added] = listLibrary(library)

    const second = await runCli(["once", "-c", storyIni(["Prologue", "Chapter 1", "Chapter 2", "Chapter 3"]), "--url", "http://test1.com?sid=2000"])
    expect(second.code).toBe(0)
    expect(second.stdout).toContain("updated: 2 → 4 chapters")
    const books = listLibrary(library)
    expect(books).toHaveLength(1)
    expect(books[0]?.id).toBe(added?.id)
  })
})

describe("add, then once runs the due jobs from the store", () => {
  const library = join(scratch, "queue-library")
  const env = { FFDL_DATA__DIR: join(scratch, "queue-data"), FFDL_CALIBRE__PATH: library }

  it("a good story ends done and in Calibre, a missing one ends failed without retries", async () => {
    expect((await runCli(["add", "http://test1.com?sid=4", "http://test1.com?sid=666"], { env })).code).toBe(0)
    const run = await runCli(["once", "--library", library, "--create-library"], { env })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain("added     \"Test Story Title 4\" (http://test1.com?sid=4)")
    expect(run.stdout).toContain("1 added, 0 updated, 0 unchanged, 0 kept, 1 failed")
    const jobs = JSON.parse((await runCli(["status", "--json"], { env })).stdout).jobs
    expect(jobs).toEqual([
      expect.objectContaining({ url: "http://test1.com?sid=4", state: "done", attempts: 1 }),
      expect.objectContaining({ url: "http://test1.com?sid=666", state: "failed", attempts: 1, lastError: expect.stringContaining("does not exist") })
    ])
    expect(listLibrary(library).map((book) => book.identifiers["url"])).toEqual(["http://test1.com?sid=4"])
    const again = await runCli(["once"], { env })
    expect(again.code).toBe(0)
    expect(again.stdout).toContain("0 stories")
  })
})

describe("once runs sites side by side, one job per site, at most max_workers", () => {
  const library = join(scratch, "sites-library")
  const data = join(scratch, "sites-data")
  const env = { FFDL_DATA__DIR: data, FFDL_CALIBRE__PATH: library, FFDL_MAX_WORKERS: "2" }
  const urls = ["http://test1.com?sid=5", "http://test1.com?sid=7", "http://test2.com?sid=5", "http://test3.com?sid=5", "http://test4.com?sid=12"]

  it("every story ends in Calibre exactly once, and the job history shows the limits held", async () => {
    expect((await runCli(["add", ...urls], { env })).code).toBe(0)
    const run = await runCli(["once", "--library", library, "--create-library"], { env })
    expect(run.stderr).not.toContain("error:")
    expect(run.code).toBe(0)
    expect(listLibrary(library).map((book) => book.identifiers["url"]).sort()).toEqual([...urls].sort())

    // Each job's running interval, from the Store's own history of Started and Succeeded events.
    const db = new DatabaseSync(join(data, "automated-fanfic.db"))
    const rows = db.prepare("SELECT j.url AS url, e.kind AS kind, e.at AS at FROM events e JOIN jobs j ON j.id = e.job_id WHERE e.kind IN ('Started', 'Succeeded') ORDER BY e.id").all()
    const intervals = new Map<string, { start: number; end: number }>()
    for (const row of rows) {
      const url = String(row["url"])
      const at = Number(row["at"])
      const interval = intervals.get(url) ?? { start: at, end: at }
      intervals.set(url, row["kind"] === "Started" ? { ...interval, start: at } : { ...interval, end: at })
    }
    const list = [...intervals.entries()]
    expect(list).toHaveLength(urls.length)
    const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end
    const [sid5, sid7] = [intervals.get(urls[0] ?? ""), intervals.get(urls[1] ?? "")]
    expect(sid5 !== undefined && sid7 !== undefined && overlaps(sid5, sid7)).toBe(false)
    // Most jobs running at one instant: a sweep over starts (+1) and ends (-1), ends first on ties.
    const edges = list.flatMap(([, interval]) => [[interval.start, 1], [interval.end, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1])
    let running = 0
    let most = 0
    for (const [, change] of edges) {
      running += change
      most = Math.max(most, running)
    }
    expect(most).toBeGreaterThan(1)
    expect(most).toBeLessThanOrEqual(2)
  })
})
