// The library sweep over the four offline test sites (test1–test4.com, one FanFicFare process
// per site at a time, max_workers 4): wall time, HTTP fetches and time per story for a cheap
// check against a full update, and the store file and RSS across repeated sweeps.
//   unshare -n sh -c 'ip link set lo up && node_modules/.bin/node bench/watchSweep.ts [stories=500] [grown=8] [sweeps=3]'
// Chapters are served by a local HTTP server (test1's chapter_urls), so a fetch is a request
// it counts; test-site metadata comes from the ini, so a check there fetches nothing, where a
// real site's check reads one or two index pages.
import { NodeServices } from "@effect/platform-node"
import { Clock, Effect, Result } from "effect"
import { execFile, execFileSync } from "node:child_process"
import { promisify } from "node:util"
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { storeFile } from "../src/config/dataDir.ts"
import { Coordinator } from "../src/coordinator/Coordinator.ts"
import { startLayer, watchLayer } from "../src/layers.ts"
import { Pipeline } from "../src/pipeline/Pipeline.ts"
import { Store } from "../src/store/Store.ts"
import { parseStoryUrl } from "../src/stories/StoryUrl.ts"
import { Watch } from "../src/watch/Watch.ts"

const stories = Number(process.argv[2] ?? 500)
const grown = Number(process.argv[3] ?? 8)
const sweeps = Number(process.argv[4] ?? 3)
const scratch = mkdtempSync(join(tmpdir(), "bench-watch-sweep-"))
const calibreEnv = { ...process.env, QTWEBENGINE_DISABLE_SANDBOX: "1" }
const sites = ["test1", "test2", "test3", "test4"]
const sidOf = (index: number) => 1000 + index
const urlOf = (index: number) => `http://${sites[index % sites.length]}.com?sid=${sidOf(index)}`

let fetches = 0
const server = createServer((_request, response) => {
  fetches++
  response.writeHead(200, { "content-type": "text/html" }).end("<html><body><ul><li id=\"p1\"><blockquote><p>Some chapter text.</p></blockquote></li></ul></body></html>")
})
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
const address = server.address()
const port = typeof address === "object" && address !== null ? address.port : 0
const today = new Date().toLocaleDateString("sv-SE")

// Every fourth story (test1.com: the other test sites write test1 links into their EPUBs), up to
// `grown` of them, is in the library with 2 chapters; the site then has 3.
const isGrown = (index: number) => index % sites.length === 0 && index / sites.length < grown
const writeIni = (grownChapters: number) => {
  const sections = Array.from({ length: stories }, (_, index) => {
    const chapters = isGrown(index) ? grownChapters : 3
    const urls = Array.from({ length: chapters }, (_, c) => `  http://127.0.0.1:${port}/s${sidOf(index)}/c${c + 1}#p1,Chapter ${c + 1}`).join("\n")
    return `[teststory:${sidOf(index)}]\ntitle:Bench Story {{storyId}}\nauthor_list:Bench\ndateUpdated:${today}\nstatus:In-Progress\nchapter_urls:\n${urls}\n`
  })
  writeFileSync(join(scratch, "personal.ini"), sections.join("\n"))
}

const library = join(scratch, "library")
const epubs = join(scratch, "epubs")
mkdirSync(epubs, { recursive: true })
writeIni(2)
execFileSync("calibredb", ["list", "--with-library", library], { env: calibreEnv, stdio: "ignore" })
const fanficfare = join(import.meta.dirname, "..", ".venv", "bin", "fanficfare")
// Asynchronously: the chapter server runs in this process and must answer meanwhile.
const run = promisify(execFile)
const books: Array<string> = []
for (let index = 0; index < stories; index++) {
  if (!isGrown(index)) continue
  await run(fanficfare, ["--non-interactive", "-c", join(scratch, "personal.ini"), "-o", `output_filename=${index}.epub`, "--", urlOf(index)], { cwd: epubs, env: { ...process.env, HOME: epubs } })
  books.push(join(epubs, `${index}.epub`))
}
if (books.length > 0) execFileSync("calibredb", ["add", "--with-library", library, ...books], { env: calibreEnv, stdio: "ignore" })
writeIni(3)
const config = join(scratch, "config.toml")
writeFileSync(config, `max_workers = 4\n[calibre]\npath = "${library}"\npersonal_ini = "${join(scratch, "personal.ini")}"\nmetadata_preservation_mode = "add_format"\n[watch]\nlibrary_sweep_hours = 0.0001\nimport_hours = 0\n`)
process.env["FFDL_DATA__DIR"] = join(scratch, "data")
fetches = 0

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

// Each job's run time, from its Started to its end in the history, by what it came to.
const runTimes = (since: number) => {
  const db = new DatabaseSync(storeFile(join(scratch, "data")), { readOnly: true })
  const rows = db.prepare(`SELECT s.job_id, s.at AS started, e.at AS ended, j.story_key FROM events s
    JOIN events e ON e.job_id = s.job_id AND e.kind IN ('Succeeded', 'Failed', 'RetryAt') AND e.id > s.id
    JOIN jobs j ON j.id = s.job_id WHERE s.kind = 'Started' AND s.at >= ?`).all(since)
  db.close()
  return rows.map((row) => ({ key: String(row["story_key"]), ms: Number(row["ended"]) - Number(row["started"]) }))
}

const program = Effect.gen(function* () {
  const store = yield* Store
  yield* store.importStories(Array.from({ length: stories }, (_, index) => ({
    key: `${sites[index % sites.length]}:${sidOf(index)}`, url: urlOf(index), site: sites[index % sites.length] ?? "test1",
    bookId: index + 1, title: `Bench Story ${sidOf(index)}`, author: "Bench", chapters: isGrown(index) ? 2 : 3, status: "In-Progress", dateUpdated: today
  })))
  const results = []
  for (let sweep = 1; sweep <= sweeps; sweep++) {
    const fetchesBefore = fetches
    const started = yield* Clock.currentTimeMillis
    const outcomes = yield* (yield* Watch).pass({ all: true })
    const scope = outcomes.flatMap((outcome) => outcome.jobIds)
    const reports = yield* (yield* Coordinator).drainUntil(yield* Clock.currentTimeMillis, scope)
    const wallMs = (yield* Clock.currentTimeMillis) - started
    const times = runTimes(started)
    const updatedKeys = new Set(reports.filter((report) => report.result === "updated").map((report) => report.storyKey))
    results.push({
      sweep,
      stories: reports.length,
      updated: updatedKeys.size,
      unchanged: reports.filter((report) => report.result === "unchanged").length,
      failed: reports.filter((report) => report.result === "failed").length,
      wallSeconds: Math.round(wallMs / 100) / 10,
      perStoryWallMs: Math.round(wallMs / Math.max(1, reports.length)),
      medianCheckMs: median(times.filter((time) => !updatedKeys.has(time.key)).map((time) => time.ms)),
      medianCheckAndUpdateMs: median(times.filter((time) => updatedKeys.has(time.key)).map((time) => time.ms)),
      chapterFetches: fetches - fetchesBefore,
      storeKiB: Math.round(statSync(storeFile(join(scratch, "data"))).size / 1024),
      rssMiB: Math.round(process.memoryUsage().rss / 1048576)
    })
    console.error(JSON.stringify(results.at(-1)))
  }
  // What the cheap check saves: a full update run (export, FanFicFare -u, compare) of a story with nothing new.
  const pipeline = yield* Pipeline
  const fullMs: Array<number> = []
  const fullResults: Array<string> = []
  for (let index = 0; index < Math.min(grown, 5) * sites.length; index += sites.length) {
    const url = Result.getOrUndefined(parseStoryUrl(urlOf(index)))
    if (url === undefined) continue
    const began = yield* Clock.currentTimeMillis
    fullResults.push((yield* pipeline.refresh(url, { force: false })).result)
    fullMs.push((yield* Clock.currentTimeMillis) - began)
  }
  // The same stories through the cheap check alone, also one at a time, for a like-for-like figure.
  const checkMs: Array<number> = []
  for (let index = 0; index < Math.min(grown, 5) * sites.length; index += sites.length) {
    const url = Result.getOrUndefined(parseStoryUrl(urlOf(index)))
    if (url === undefined) continue
    const began = yield* Clock.currentTimeMillis
    yield* pipeline.refresh(url, { force: false, checkFirst: { chapters: 3, dateUpdated: today } })
    checkMs.push((yield* Clock.currentTimeMillis) - began)
  }
  console.log(JSON.stringify({
    stories, grown, sweeps: results,
    oneAtATime: { medianCheckMs: median(checkMs), medianFullUpdateRunNothingNewMs: median(fullMs), fullUpdateResults: fullResults }
  }, null, 2))
})

// Logs go to stderr, so stdout is the JSON report.
const start = startLayer({ config, verbose: false, logFormat: "text", environment: process.env })
await Effect.runPromise(program.pipe(Effect.provide(watchLayer), Effect.provide(start), Effect.provide(NodeServices.layer)))
server.close()
rmSync(scratch, { recursive: true, force: true })
