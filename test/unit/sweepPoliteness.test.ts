import { describe, expect, it } from "@effect/vitest"
import { NodeServices } from "@effect/platform-node"
import { Duration, Effect, Layer, Result } from "effect"
import { mkdtempSync } from "node:fs"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { AppConfig } from "../../src/config/AppConfig.ts"
import { Coordinator } from "../../src/coordinator/Coordinator.ts"
import { schedulingPolicy } from "../../src/coordinator/policy.ts"
import { interpretConfig } from "../../src/config/interpret.ts"
import { Notifier } from "../../src/notify/Notifier.ts"
import { Pipeline } from "../../src/pipeline/Pipeline.ts"
import type { StoryReport } from "../../src/pipeline/StoryReport.ts"
import { Sites } from "../../src/sites/Sites.ts"
import { FanFicFare } from "../../src/fanficfare/FanFicFare.ts"
import { Store } from "../../src/store/Store.ts"
import { LibraryImport } from "../../src/watch/LibraryImport.ts"
import { Watch } from "../../src/watch/Watch.ts"
import { scratchFolder } from "../support/scratch.ts"

// The sweep goes through the Coordinator's per-site politeness: 50 stories of one site with
// site concurrency 1 never run two at once (read back from the history), and a paused site is
// not swept. The sweep, Store and Coordinator are real; the Pipeline is a stand-in that takes
// a few milliseconds per story (test/integration/librarySweep drives the real FanFicFare).

const scratch = scratchFolder("automated-fanfic-sweep-polite-")

const toml = "max_workers = 4\n[watch]\nlibrary_sweep_hours = 24\nimport_hours = 0\n"
const loaded = interpretConfig(toml, "config.toml", {})
if (Result.isFailure(loaded)) throw loaded.failure

let inFlight = 0
let mostInFlight = 0
const slowCheck = Layer.succeed(Pipeline)({
  refresh: (url) =>
    Effect.gen(function* () {
      inFlight++
      mostInFlight = Math.max(mostInFlight, inFlight)
      yield* Effect.sleep(Duration.millis(5))
      inFlight--
      return { url, result: "unchanged", detail: "check: nothing to download", checkVerdict: "same" } satisfies StoryReport
    })
})

const noImport = Layer.succeed(LibraryImport)({ run: Effect.succeed({ linked: 0, stories: 0, added: 0 }) })
const quiet = Layer.succeed(Notifier)({ notify: () => Effect.void })
const noLinks = Layer.succeed(Sites)({ identify: () => Effect.succeed([]) })

describe("the sweep's politeness", () => {
  it.live("never runs two checks of a site at once, and leaves a paused site alone", () => {
    const file = join(mkdtempSync(join(scratch, "store-")), "store.db")
    const services = Watch.layer.pipe(
      Layer.provideMerge(Coordinator.layerWith(schedulingPolicy(loaded.success.values))),
      Layer.provideMerge(Layer.mergeAll(noImport, slowCheck, quiet, noLinks)),
      Layer.provideMerge(Store.layer(file)),
      // Lists would need it; this test has none.
      Layer.provideMerge(FanFicFare.layer),
      Layer.provideMerge(AppConfig.layerFromText(toml)),
      Layer.provideMerge(NodeServices.layer)
    )
    return Effect.gen(function* () {
      const store = yield* Store
      const story = (site: string, sid: number) => ({
        key: `${site}:${sid}`, url: `http://${site}.com?sid=${sid}`, site, bookId: sid, title: `Story ${sid}`, author: "A",
        chapters: 3, status: "In-Progress", dateUpdated: null
      })
      yield* store.importStories([...Array.from({ length: 50 }, (_, i) => story("test1", 1000 + i)), ...[1, 2, 3].map((sid) => story("test2", sid))])
      // test2 is paused: a run there tripped its breaker until tomorrow.
      const { job } = yield* store.request({ storyKey: "test2:9", url: "http://test2.com?sid=9", site: "test2", origin: "manual", force: false })
      yield* store.claim("test2", "sweep-test")
      yield* store.finish(job.id, { _tag: "Succeeded" }, { outcome: "failed" }, (site) => ({ ...site, failures: 2, opens: 1, openUntil: Date.now() + 86_400_000, lastError: "429" }))

      const outcomes = yield* (yield* Watch).pass({ all: true })
      expect(outcomes.find((outcome) => outcome.source === "sweep")).toMatchObject({ found: 50, error: null })
      const reports = yield* (yield* Coordinator).drain
      expect(reports).toHaveLength(50)
      expect(mostInFlight).toBe(1)

      const db = new DatabaseSync(file, { readOnly: true })
      const rows = db.prepare("SELECT e.job_id, e.kind, e.at, j.site FROM events e JOIN jobs j ON j.id = e.job_id WHERE e.kind IN ('Started', 'Succeeded') ORDER BY e.id").all()
      const requested = db.prepare("SELECT COUNT(*) AS n FROM events e JOIN jobs j ON j.id = e.job_id WHERE e.kind = 'requested' AND e.detail = 'sweep' AND j.site = 'test2'").get()
      db.close()
      // Each test1 run starts only after the one before it ended.
      let open: unknown = undefined
      for (const row of rows.filter((row) => row["site"] === "test1")) {
        if (row["kind"] === "Started") {
          expect(open).toBeUndefined()
          open = row["job_id"]
        } else {
          expect(row["job_id"]).toBe(open)
          open = undefined
        }
      }
      expect(rows.filter((row) => row["kind"] === "Started" && row["site"] === "test1")).toHaveLength(50)
      expect(requested?.["n"]).toBe(0)
    }).pipe(Effect.provide(services))
  }, 60_000)
})
