// Start-up to ready and idle memory of the daemon, run from the production bundle as
// bin/automated-fanfic runs it (node --max-semi-space-size=8 dist/automated-fanfic.mjs daemon, with
// Node's compile cache; the first run fills the cache and is reported apart):
//   npm run bundle && node_modules/.bin/node bench/startup.ts [runs=5]
// Ready: the daemon has logged that it runs jobs. Idle RSS: /proc/PID/status VmRSS 10 s later, no
// mailbox configured, no web server. Targets (issue 8): ≤ 0.5 s and ≤ 80 MB.
import { execFileSync, spawn } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const runs = Number(process.argv[2] ?? 5)
const root = join(import.meta.dirname, "..")
const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) / 1024

// One empty library for every run: the daemon checks it at start-up.
const library = join(mkdtempSync(join(tmpdir(), "automated-fanfic-startup-library-")), "library")
execFileSync("calibredb", ["list", "--with-library", library], { stdio: "ignore" })

const compileCache = mkdtempSync(join(tmpdir(), "automated-fanfic-compile-cache-"))

const once = () =>
  new Promise<{ readyMs: number; rss: number }>((resolve, reject) => {
    const data = mkdtempSync(join(tmpdir(), "automated-fanfic-startup-"))
    const started = performance.now()
    const daemon = spawn(process.execPath, ["--max-semi-space-size=8", join(root, "dist", "automated-fanfic.mjs"), "daemon"], {
      env: { ...process.env, FFDL_DATA__DIR: data, FFDL_CALIBRE__PATH: library, NODE_COMPILE_CACHE: compileCache },
      stdio: ["ignore", "ignore", "pipe"]
    })
    let log = ""
    daemon.stderr.on("data", (chunk: Buffer) => {
      log += chunk.toString()
      if (!log.includes("running jobs as they become due")) return
      const readyMs = performance.now() - started
      daemon.stderr.removeAllListeners("data")
      daemon.stderr.resume()
      setTimeout(() => {
        const rss = rssMb(daemon.pid ?? 0)
        daemon.kill("SIGTERM")
        daemon.on("exit", () => resolve({ readyMs, rss }))
      }, 10_000)
    })
    daemon.on("exit", (code) => {
      if (!log.includes("running jobs")) reject(new Error(`daemon exited ${code} before ready:\n${log}`))
    })
  })

const cold = await once()
console.log(`first start (empty compile cache): ready in ${cold.readyMs.toFixed(0)} ms, idle RSS ${cold.rss.toFixed(1)} MB`)
const results = []
for (let run = 0; run < runs; run++) results.push(await once())
console.log(`start-up to ready over ${runs} runs: median ${median(results.map((r) => r.readyMs)).toFixed(0)} ms ` +
  `(min ${Math.min(...results.map((r) => r.readyMs)).toFixed(0)}, max ${Math.max(...results.map((r) => r.readyMs)).toFixed(0)}); ` +
  `idle RSS after 10 s: median ${median(results.map((r) => r.rss)).toFixed(1)} MB (max ${Math.max(...results.map((r) => r.rss)).toFixed(1)})`)
