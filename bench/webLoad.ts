// The HTTP API under load while jobs run: 1,000 concurrent clients on /api/status and 200 open
// event streams, against the real daemon (the bundle, real FanFicFare and calibredb running
// test1–test4 stories the whole time), all on 127.0.0.1.
//   npm run --silent bundle && node_modules/.bin/node bench/webLoad.ts [clients=1000] [streams=200] [seconds=20]
// Phases, each `seconds` long, every client on its own keep-alive connection:
//   paced    each client asks once a second (a dashboard or widget polling): 1,000 requests/s
//   flat-out each client asks again as soon as it has its answer (the worst case)
//   wrk      the same flat-out load from wrk (Debian's `wrk`, when installed: apt-get install wrk),
//            a C load generator that leaves more of the two cores to the server than Node does
// Then every stream must have received every history event recorded after it opened, in order
// and once each (compared with the Store's own table).
// Target (issue 9): p95 < 100 ms and no dropped events.
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { Agent, get, request } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { freePort } from "../test/support/ports.ts"

const clients = Number(process.argv[2] ?? 1000)
const streamCount = Number(process.argv[3] ?? 200)
const phaseSeconds = Number(process.argv[4] ?? 20)
const root = new URL("..", import.meta.url).pathname
const program = join(root, "bin", "automated-fanfic")

const scratch = mkdtempSync(join(tmpdir(), "automated-fanfic-webload-"))
const library = join(scratch, "library")
const dataDir = join(scratch, "data")
const port = await freePort()
const env = {
  ...process.env,
  FFDL_DATA__DIR: dataDir, FFDL_CALIBRE__PATH: library, FFDL_WEB__ENABLED: "true", FFDL_WEB__PORT: String(port), TMPDIR: join(scratch, "tmp")
}
mkdirSync(join(scratch, "tmp"))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

execFileSync(program, ["once", "--url", "http://test1.com?sid=1", "--library", library, "--create-library"], { env, stdio: "ignore" })
const daemon: ChildProcess = spawn(program, ["daemon"], { env, stdio: "ignore" })
const base = `http://127.0.0.1:${port}`
for (let tries = 0; ; tries++) {
  if ((await fetch(`${base}/healthz`).then((r) => r.ok, () => false))) break
  if (tries > 150) throw new Error("the daemon's web server did not come up")
  await sleep(200)
}

const newestEventId = () => {
  const db = new DatabaseSync(join(dataDir, "automated-fanfic.db"), { readOnly: true })
  try {
    return Number(db.prepare("SELECT COALESCE(MAX(id), 0) AS id FROM events").get()?.["id"] ?? 0)
  } finally {
    db.close()
  }
}

// The event streams, each opened after `since`.
const since = newestEventId()
const received: Array<Array<number>> = []
const streamRequests: Array<ReturnType<typeof get>> = []
await Promise.all(Array.from({ length: streamCount }, (_, index) =>
  new Promise<void>((resolve, reject) => {
    const ids: Array<number> = []
    received.push(ids)
    const req = get(`${base}/api/events?since=${since}`, { agent: false }, (response) => {
      let buffer = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => {
        buffer += chunk
        let end = buffer.indexOf("\n\n")
        while (end >= 0) {
          const id = /^id: (\d+)$/m.exec(buffer.slice(0, end))?.[1]
          if (id !== undefined) ids.push(Number(id))
          buffer = buffer.slice(end + 2)
          end = buffer.indexOf("\n\n")
        }
      })
      response.on("error", () => undefined)
      resolve()
    })
    req.on("error", (error) => (index < 0 ? resolve() : reject(error)))
    streamRequests.push(req)
  })))

// Work for the daemon during the whole run: 4 sites, 60 stories.
const urls = Array.from({ length: 60 }, (_, i) => `http://test${(i % 4) + 1}.com?sid=${100 + i}`)
const added = await fetch(`${base}/api/stories`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ urls }) })
if (!added.ok) throw new Error(`adding stories failed: ${added.status} ${await added.text()}`)

const agent = new Agent({ keepAlive: true, maxSockets: clients, maxFreeSockets: clients })
const statusOnce = () =>
  new Promise<number>((resolve, reject) => {
    const started = performance.now()
    const req = request(`${base}/api/status`, { agent }, (response) => {
      response.resume()
      response.on("end", () => (response.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`status ${response.statusCode}`))))
    })
    req.on("error", reject)
    req.end()
  })

// wrk prints its own percentiles through this script; the row has the same fields as a phase.
const wrkScript = `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %.1f %.1f %.1f %.1f\\n", summary.requests, e.connect + e.read + e.write + e.status + e.timeout,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("WRKERRORS connect %d, read %d, write %d, status %d, timeout %d\\n", e.connect, e.read, e.write, e.status, e.timeout))
end`
const wrkPhase = () => {
  const script = join(scratch, "p95.lua")
  writeFileSync(script, wrkScript)
  let output: string
  try {
    output = execFileSync("wrk", ["-t1", `-c${clients}`, `-d${phaseSeconds}s`, "-s", script, `${base}/api/status`], { encoding: "utf8" })
  } catch {
    console.log("wrk       not installed (apt-get install wrk): skipped")
    return undefined
  }
  const [requests = 0, errors = 0, micros = 1, p50 = 0, p95 = 0, p99 = 0, max = 0] = (/^WRK (.*)$/m.exec(output)?.[1] ?? "").split(" ").map(Number)
  const row = { phase: "wrk", requests, errors, perSecond: Math.round(requests / (micros / 1e6)), p50, p95, p99, max }
  console.log(`wrk       ${requests} requests (${row.perSecond}/s, ${errors} errors: ${/^WRKERRORS (.*)$/m.exec(output)?.[1] ?? "?"}): p50 ${p50} ms, p95 ${p95} ms, p99 ${p99} ms, max ${max} ms`)
  return row
}

const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN

const phase = async (name: string, pacedMs: number | undefined) => {
  const latencies: Array<number> = []
  let errors = 0
  const until = performance.now() + phaseSeconds * 1000
  const client = async (index: number) => {
    if (pacedMs !== undefined) await sleep((index / clients) * pacedMs)
    while (performance.now() < until) {
      const began = performance.now()
      try {
        latencies.push(await statusOnce())
      } catch {
        errors++
      }
      if (pacedMs !== undefined) await sleep(Math.max(0, pacedMs - (performance.now() - began)))
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: clients }, (_, index) => client(index)))
  const seconds = (performance.now() - started) / 1000
  const sorted = [...latencies].sort((a, b) => a - b)
  const row = {
    phase: name, requests: latencies.length, errors, perSecond: Math.round(latencies.length / seconds),
    p50: +percentile(sorted, 50).toFixed(1), p95: +percentile(sorted, 95).toFixed(1), p99: +percentile(sorted, 99).toFixed(1), max: +(sorted.at(-1) ?? NaN).toFixed(1)
  }
  console.log(`${name.padEnd(9)} ${row.requests} requests (${row.perSecond}/s, ${errors} errors): p50 ${row.p50} ms, p95 ${row.p95} ms, p99 ${row.p99} ms, max ${row.max} ms`)
  return row
}

const before = newestEventId()
const paced = await phase("paced", 1000)
const flatOut = await phase("flat-out", undefined)
const wrkRow = wrkPhase()
const runningJobs = async () => (await (await fetch(`${base}/api/status`)).json()).counts
const counts = await runningJobs()
await sleep(1500)
const last = newestEventId()
for (const req of streamRequests) req.destroy()

const db = new DatabaseSync(join(dataDir, "automated-fanfic.db"), { readOnly: true })
const expected = db.prepare("SELECT id FROM events WHERE id > ? AND id <= ? ORDER BY id").all(since, last).map((row) => Number(row["id"]))
db.close()
const complete = received.filter((ids) => ids.slice(0, expected.length).join(",") === expected.join(",")).length
console.log(`events   ${expected.length} recorded during the run (${last - before} during the load); ${complete} of ${streamCount} streams got every one, in order, once`)
console.log(`jobs     at the end of the load: ${JSON.stringify(counts)}`)
console.log(JSON.stringify({ clients, streams: streamCount, phaseSeconds, paced, flatOut, wrk: wrkRow, events: expected.length, completeStreams: complete }))

daemon.kill("SIGTERM")
await new Promise((resolve) => daemon.once("exit", resolve))
agent.destroy()
rmSync(scratch, { recursive: true, force: true })
