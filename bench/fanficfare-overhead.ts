// Overhead of the FanFicFare service per call beyond the bare CLI run: the median wall time of
// a test1.com download through FanFicFare.fetch against the same argv spawned plainly.
//   node_modules/.bin/node bench/fanficfare-overhead.ts [runs=20]
import { NodeServices } from "@effect/platform-node"
import { Effect, Layer, Result } from "effect"
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { AppConfig } from "../src/config/AppConfig.ts"
import { buildArgs } from "../src/fanficfare/arguments.ts"
import { FanFicFare } from "../src/fanficfare/FanFicFare.ts"
import { parseStoryUrl } from "../src/stories/StoryUrl.ts"

const runs = Number(process.argv[2] ?? 20)
const story = Result.getOrThrow(parseStoryUrl("http://test1.com?sid=5"))

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

const bare = (executable: string, cwd: string) =>
  new Promise<number>((resolve, reject) => {
    const started = performance.now()
    const child = spawn(executable, [...buildArgs({ _tag: "New", url: story }, [])], {
      cwd,
      env: { ...process.env, PYTHONUNBUFFERED: "1", PYTHONIOENCODING: "utf-8", HOME: cwd, XDG_CONFIG_HOME: join(cwd, ".config") },
      stdio: ["ignore", "pipe", "pipe"]
    })
    child.stdout.resume()
    child.stderr.resume()
    child.on("error", reject)
    child.on("close", () => resolve(performance.now() - started))
  })

const program = Effect.gen(function* () {
  const fff = yield* FanFicFare
  const ours: Array<number> = []
  const plain: Array<number> = []
  for (let run = 0; run < runs; run++) {
    // Alternate so that machine noise falls on both sides alike.
    const dirA = mkdtempSync(join(tmpdir(), "bench-fff-"))
    const started = performance.now()
    const result = yield* fff.fetch(dirA, { _tag: "New", url: story })
    ours.push(performance.now() - started)
    if (result.outcome._tag !== "Written") throw new Error(`unexpected outcome ${result.outcome._tag}`)
    const dirB = mkdtempSync(join(tmpdir(), "bench-fff-"))
    plain.push(yield* Effect.promise(() => bare(fff.executable, dirB)))
    rmSync(dirA, { recursive: true })
    rmSync(dirB, { recursive: true })
  }
  const report = {
    runs,
    fanficfare: fff.version,
    medianServiceMs: Math.round(median(ours)),
    medianBareMs: Math.round(median(plain)),
    overheadMs: Math.round(median(ours) - median(plain)),
    targetMs: 30
  }
  console.log(JSON.stringify(report))
})

const layer = FanFicFare.layer.pipe(Layer.provideMerge(AppConfig.layerFromText("")), Layer.provideMerge(NodeServices.layer))
Effect.runPromise(program.pipe(Effect.provide(layer)))
