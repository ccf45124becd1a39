// A burst through the library: N new stories over the four offline test sites (3 chapters each,
// into a fresh library), then the same N grown to 5 chapters, each burst queued with `add` and run
// with `once` (metadata_preservation_mode = "add_format", max_workers = 4, calibre's covers as
// they come). For this checkout and for an earlier commit (default dc7e85c, the last one before
// the library session) checked out as a git worktree in the bench's own temporary folder,
// interleaved, `rounds` times; medians and the ratio before/after.
//   unshare -n sh -c 'ip link set lo up && node_modules/.bin/node bench/library-burst.ts [rounds=3] [stories=40] [before=dc7e85c]'
// Library calls are timed by a calibredb wrapper first on PATH (one line per process) and by the
// worker itself (AUTOMATED_FANFIC_CALIBRE_TIMINGS, one line per request; the worker's own
// start-up, ~0.4 s once per burst, is not in it); FanFicFare by a wrapper named in
// [fanficfare] path. Idle is the part of a burst when neither the library nor FanFicFare worked.
import { execFileSync } from "node:child_process"
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Schema } from "effect"

const rounds = Number(process.argv[2] ?? 3)
const stories = Number(process.argv[3] ?? 40)
const beforeCommit = process.argv[4] ?? "dc7e85c"
const repo = join(import.meta.dirname, "..")
const scratch = mkdtempSync(join(tmpdir(), "bench-library-burst-"))
const calibreEnv = { ...process.env, QTWEBENGINE_DISABLE_SANDBOX: "1" }
const today = new Date().toLocaleDateString("sv-SE")
const urls = Array.from({ length: stories }, (_, index) => `http://test${1 + (index % 4)}.com?sid=${3100 + index}`)

const run = (command: string, args: ReadonlyArray<string>, options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  execFileSync(command, [...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, cwd: options.cwd ?? repo, env: options.env ?? process.env })

// The commit before the change, beside this checkout, sharing its node_modules and .venv.
const before = join(scratch, "before")
run("git", ["worktree", "add", "--detach", before, beforeCommit])
symlinkSync(join(repo, "node_modules"), join(before, "node_modules"))
symlinkSync(join(repo, ".venv"), join(before, ".venv"))
for (const checkout of [before, repo]) run("npm", ["run", "bundle"], { cwd: checkout })
const versions = [{ name: "before", checkout: before }, { name: "after", checkout: repo }]

// Wrappers that log each process's start and end as a JSON line.
const shims = join(scratch, "bin")
mkdirSync(shims)
const wrapper = (name: string, real: string) => {
  writeFileSync(join(shims, name), [
    "#!/bin/bash",
    "start=$(date +%s.%N)",
    `"${real}" "$@"`,
    "code=$?",
    `printf '{"call":"%s","start":%s,"end":%s,"via":"${name}"}\\n' "${name === "calibredb" ? "$1" : "fanficfare"}" "$start" "$(date +%s.%N)" >> "$BENCH_TIMINGS"`,
    "exit $code",
    ""
  ].join("\n"))
  chmodSync(join(shims, name), 0o755)
}
wrapper("calibredb", run("sh", ["-c", "command -v calibredb"]).trim())
wrapper("fanficfare", join(repo, ".venv", "bin", "fanficfare"))

const writeIni = (file: string, chapters: number) => {
  const titles = ["Prologue", ...Array.from({ length: chapters - 1 }, (_, c) => `Chapter ${c + 1}`)].join(",")
  writeFileSync(file, urls.map((_, index) =>
    `[teststory:${3100 + index}]\ntitle:Burst Story {{storyId}}\nauthor_list:Burst Author\ndateUpdated:${today}\nchaptertitles:${titles}\n`).join("\n"))
}

// One library call or FanFicFare run, as the wrappers and the worker log it.
const Interval = Schema.Struct({ call: Schema.String, start: Schema.Number, end: Schema.Number })
type Interval = typeof Interval.Type
const decodeInterval = Schema.decodeUnknownSync(Schema.fromJsonString(Interval))
const decodeJobs = Schema.decodeUnknownSync(Schema.fromJsonString(Schema.Struct({ jobs: Schema.Array(Schema.Struct({ state: Schema.String })) })))
const decodeBooks = Schema.decodeUnknownSync(Schema.fromJsonString(Schema.Array(Schema.Struct({ formats: Schema.Array(Schema.String) }))))

const busyTime = (intervals: ReadonlyArray<Interval>) => {
  let total = 0
  let reached = -Infinity
  for (const { start, end } of [...intervals].sort((a, b) => a.start - b.start)) {
    if (end > reached) total += end - Math.max(start, reached)
    reached = Math.max(reached, end)
  }
  return total
}

const burst = (version: { name: string; checkout: string }, round: number) => {
  const dir = join(scratch, `${version.name}-${round}`)
  const library = join(dir, "library")
  const ini = join(dir, "stories.ini")
  const timings = join(dir, "timings.jsonl")
  const config = join(dir, "config.toml")
  mkdirSync(dir)
  run("calibredb", ["list", "--with-library", library], { env: calibreEnv })
  writeFileSync(config, [
    "max_workers = 4",
    "[calibre]", `path = "${library}"`, "metadata_preservation_mode = \"add_format\"", `personal_ini = "${ini}"`,
    "[fanficfare]", `path = "${join(shims, "fanficfare")}"`, `python = "${join(repo, ".venv", "bin", "python3")}"`,
    "[data]", `dir = "${join(dir, "data")}"`, ""
  ].join("\n"))
  const env = {
    ...calibreEnv, PATH: `${shims}:${process.env["PATH"] ?? ""}`, TMPDIR: dir,
    BENCH_TIMINGS: timings, AUTOMATED_FANFIC_CALIBRE_TIMINGS: timings
  }
  const cli = (...args: ReadonlyArray<string>) => run(join(version.checkout, "bin", "automated-fanfic"), ["--config", config, ...args], { env })
  const phase = (name: string, chapters: number) => {
    writeIni(ini, chapters)
    cli("add", ...urls)
    const started = Date.now() / 1000
    cli("once")
    const ended = Date.now() / 1000
    const logged = existsSync(timings) ? readFileSync(timings, "utf8").trim().split("\n").map((line) => decodeInterval(line)) : []
    const inBurst = logged.filter((each) => each.start >= started && each.end <= ended + 1)
    const libraryCalls = inBurst.filter((each) => each.call !== "fanficfare")
    const jobs = decodeJobs(cli("status", "--json")).jobs
    const books = decodeBooks(run("calibredb", ["list", "--with-library", library, "--for-machine", "--fields", "formats"], { env: calibreEnv }))
    const wall = ended - started
    return {
      version: version.name, round, phase: name, wallSeconds: wall, storiesPerMinute: (stories / wall) * 60,
      librarySecondsPerStory: libraryCalls.reduce((sum, each) => sum + each.end - each.start, 0) / stories,
      libraryCallsPerStory: libraryCalls.length / stories,
      idleSeconds: wall - busyTime(inBurst),
      fanFicFareSecondsPerStory: inBurst.filter((each) => each.call === "fanficfare").reduce((sum, each) => sum + each.end - each.start, 0) / stories,
      calls: Object.fromEntries([...new Set(libraryCalls.map((each) => each.call))].map((call) => [call, libraryCalls.filter((each) => each.call === call).length])),
      correct: books.length === stories && books.every((book) => book.formats.length === 1) && jobs.every((job) => job.state === "done")
    }
  }
  return [phase("new", 3), phase("update", 5)]
}

type Result = ReturnType<typeof burst>[number]
const results: Array<Result> = []
for (let round = 1; round <= rounds; round++) {
  // Interleaved, and which goes first alternates, so drift on a shared machine hits both.
  for (const version of round % 2 === 1 ? versions : [...versions].reverse()) {
    for (const result of burst(version, round)) {
      results.push(result)
      console.log(JSON.stringify(result))
    }
  }
}

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] ?? 0 : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
const metrics = ["wallSeconds", "storiesPerMinute", "librarySecondsPerStory", "libraryCallsPerStory", "idleSeconds", "fanFicFareSecondsPerStory"] as const
console.log(`\n${stories} stories, ${rounds} rounds, medians; before = ${beforeCommit}`)
console.log(`| burst | metric | before | after | after is N× better |\n|---|---|---|---|---|`)
for (const phase of ["new", "update"]) {
  for (const metric of metrics) {
    const of = (name: string) => median(results.filter((each) => each.phase === phase && each.version === name).map((each) => each[metric]))
    const [was, now] = [of("before"), of("after")]
    const better = metric === "storiesPerMinute" ? now / was : was / now
    console.log(`| ${phase} | ${metric} | ${was.toFixed(3)} | ${now.toFixed(3)} | ${Number.isFinite(better) ? better.toFixed(2) : "-"} |`)
  }
}
console.log(`every burst correct (${stories} books with one EPUB, every job done): ${results.every((each) => each.correct)}`)
run("git", ["worktree", "remove", "--force", before])
rmSync(scratch, { recursive: true, force: true })
