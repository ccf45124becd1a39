import { describe, expect, it } from "@effect/vitest"
import { NodeServices } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { join } from "node:path"
import { storeFile } from "../../src/config/dataDir.ts"
import { Coordinator } from "../../src/coordinator/Coordinator.ts"
import { defaultRetryPolicy } from "../../src/jobs/retryPolicy.ts"
import { Notifier } from "../../src/notify/Notifier.ts"
import { Pipeline, type RefreshOptions } from "../../src/pipeline/Pipeline.ts"
import type { StoryReport } from "../../src/pipeline/StoryReport.ts"
import { Store } from "../../src/store/Store.ts"
import { runCli } from "../support/cli.ts"
import { apiServices, freePort, postJson, serveApi, webConfig } from "../support/webApi.ts"
import { scratchFolder } from "../support/scratch.ts"

// Pausing, ignoring and per-story update_method: set with `story`, the HTTP API, and obeyed
// by the job runner (a paused story is not updated on an alert; a person's request still runs).

const scratch = scratchFolder("automated-fanfic-story-watch-")
const dataDir = join(scratch, "data")
const env = { FFDL_DATA__DIR: dataDir }

const imported = (sid: number) => ({
  key: `test1:${sid}`, url: `http://test1.com?sid=${sid}`, site: "test1", bookId: sid, title: `Story ${sid}`, author: "A", chapters: 3, status: "In-Progress", dateUpdated: null
})

const asked: Array<{ url: string; options: RefreshOptions | undefined }> = []
const recordingPipeline = Layer.succeed(Pipeline)({
  refresh: (url, options) => Effect.sync(() => {
    asked.push({ url, options })
    return { url, result: "unchanged", detail: "already has every chapter" } satisfies StoryReport
  })
})

const runner = (file: string) =>
  Coordinator.layerWith({
    maxWorkers: 2, siteConcurrency: {}, pollForOthersMs: 1_000,
    retry: defaultRetryPolicy({ max_normal_retries: 3, hail_mary_enabled: false, hail_mary_wait_hours: 1, nothing_new_rechecks: 0, nothing_new_recheck_minutes: 10 }),
    breaker: { threshold: 2, baseCooldownMs: 60_000, maxCooldownMs: 600_000 }
  }).pipe(
    Layer.provideMerge(Layer.mergeAll(Store.layer(file), recordingPipeline, Layer.succeed(Notifier)({ notify: () => Effect.void }))),
    Layer.provideMerge(NodeServices.layer)
  )

describe("a story's own settings", () => {
  it("pause, ignore and update_method are set by `story` and the API, and the runner obeys them", async () => {
    const file = storeFile(dataDir)
    await Effect.runPromise(Effect.gen(function* () {
      yield* (yield* Store).importStories([imported(1), imported(2), imported(3)])
    }).pipe(Effect.provide(Store.layer(file))))

    const paused = await runCli(["story", "pause", "test1:1"], { env })
    expect(paused.stdout).toContain("test1:1 paused: not swept and not updated on alerts until resumed")
    expect((await runCli(["story", "method", "http://test1.com?sid=2", "update_always"], { env })).stdout).toContain("test1:2 is updated with update_method = update_always")
    const unknown = await runCli(["story", "pause", "test1:99"], { env })
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("no story test1:99 in the job store")

    const port = await freePort()
    const status = await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
      const api = yield* serveApi(port, "daemon")
      const ignore = yield* Effect.promise(() => postJson(`${api.base}/api/stories/test1:3/watch`, { watch: "ignored" }))
      expect(ignore.status).toBe(200)
      const missing = yield* Effect.promise(() => postJson(`${api.base}/api/stories/test1:99/update-method`, { method: null }))
      expect(missing.status).toBe(404)
      const sources = yield* Effect.promise(() => fetch(`${api.base}/api/watch`).then((response) => response.json()))
      expect(sources).toEqual({ sources: [] })
      return (yield* (yield* Store).watchedStories).map((story) => [story.key, story.watch, story.updateMethod])
    })).pipe(Effect.provide(apiServices(file, webConfig(port)))))
    expect(status).toEqual([["test1:1", "paused", null], ["test1:2", "follow", "update_always"], ["test1:3", "ignored", null]])

    const reports = await Effect.runPromise(Effect.gen(function* () {
      const store = yield* Store
      for (const sid of [1, 2, 3]) yield* store.request({ ...imported(sid), storyKey: `test1:${sid}`, origin: "email:INBOX:1:7", force: false })
      const first = yield* (yield* Coordinator).drain
      // A person's request runs even a paused story.
      yield* store.request({ ...imported(1), storyKey: "test1:1", origin: "manual", force: false })
      return [...first, ...(yield* (yield* Coordinator).drain)]
    }).pipe(Effect.provide(runner(file))))
    expect(reports.map((report) => [report.storyKey, report.result])).toEqual(expect.arrayContaining([["test1:1", "kept"], ["test1:3", "kept"], ["test1:2", "unchanged"], ["test1:1", "unchanged"]]))
    expect(asked.map((call) => [call.url, call.options?.updateMethod])).toEqual([["http://test1.com?sid=2", "update_always"], ["http://test1.com?sid=1", undefined]])
  })
})
