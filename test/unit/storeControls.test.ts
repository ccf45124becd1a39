import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { join } from "node:path"
import { Store } from "../../src/store/Store.ts"
import { scratchFolder } from "../support/scratch.ts"

// A person's change from the dashboard and a runner's event go through the one applyEvent:
// the same transition rules, the same columns, the same shape of history line.

const scratch = scratchFolder("automated-fanfic-controls-")
let files = 0
const freshFile = () => join(scratch, `store-${++files}.db`)

const request = (sid: number) => ({ storyKey: `test1.com?sid=${sid}`, url: `http://test1.com?sid=${sid}`, site: "test1.com", origin: "manual", force: false })

const withStore = <A, E>(use: (store: Store["Service"]) => Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    return yield* use(yield* Store)
  }).pipe(Effect.provide(Store.layer(freshFile())))

// A job that has tried once and now waits for its retry.
const waitingJob = (store: Store["Service"], sid: number) =>
  Effect.gen(function* () {
    const { job } = yield* store.request(request(sid))
    yield* store.apply(job.id, { _tag: "Started" })
    return yield* store.apply(job.id, { _tag: "RetryAt", at: 9_999_999_999_999, error: "HTTP 503" })
  })

const lastLine = (store: Store["Service"]) =>
  Effect.map(store.historyPage({ page: 1, pageSize: 1 }), (page) => page.items[0])

describe("a web control and a runner's event", () => {
  it.effect("RetryNow leaves the same job and the same history line, but for who asked", () =>
    withStore((store) =>
      Effect.gen(function* () {
        const viaWeb = yield* waitingJob(store, 1)
        const viaRunner = yield* waitingJob(store, 2)
        const changed = yield* store.changeJob(viaWeb.id, { _tag: "RetryNow" }, "web API")
        const webLine = yield* lastLine(store)
        const applied = yield* store.apply(viaRunner.id, { _tag: "RetryNow" })
        const runnerLine = yield* lastLine(store)

        expect(changed._tag).toBe("Changed")
        const [web, runner] = yield* Effect.all([store.job(viaWeb.id), store.job(viaRunner.id)])
        const { id: _webId, storyKey: _webKey, url: _webUrl, ...webRest } = web ?? viaWeb
        const { id: _runId, storyKey: _runKey, url: _runUrl, ...runnerRest } = runner ?? viaRunner
        expect(webRest).toEqual(runnerRest)
        expect(webRest).toMatchObject({ state: "queued", attempts: 1, interruptions: 0, nextAttemptAt: null, lastError: "HTTP 503" })
        expect(applied).toMatchObject(runnerRest)

        expect(webLine).toMatchObject({ storyKey: viaWeb.storyKey, jobId: viaWeb.id, kind: "RetryNow", detail: "web API" })
        expect(runnerLine).toMatchObject({ storyKey: viaRunner.storyKey, jobId: viaRunner.id, kind: "RetryNow", detail: "HTTP 503" })
      })))

  it.effect("a transition the rules refuse is refused both ways and changes nothing", () =>
    withStore((store) =>
      Effect.gen(function* () {
        const { job } = yield* store.request(request(3))
        yield* store.apply(job.id, { _tag: "Started" })
        const before = yield* store.lastEventId

        const web = yield* store.changeJob(job.id, { _tag: "Cancelled", reason: "from the web" }, "web API")
        const runner = yield* Effect.flip(store.apply(job.id, { _tag: "Cancelled", reason: "from a runner" }))
        const webRetry = yield* store.changeJob(job.id, { _tag: "RetryNow" }, "web API")
        const runnerRetry = yield* Effect.flip(store.apply(job.id, { _tag: "RetryNow" }))

        expect(web).toMatchObject({ _tag: "NotAllowed", job: { id: job.id, state: "running" } })
        expect(webRetry._tag).toBe("NotAllowed")
        expect(runner.message).toBe(`job ${job.id} cannot go from running on Cancelled`)
        expect(runnerRetry.message).toBe(`job ${job.id} cannot go from running on RetryNow`)
        expect(yield* store.lastEventId).toBe(before)
        expect(yield* store.job(job.id)).toMatchObject({ state: "running", attempts: 1 })
      })))

  it.effect("a missing job is Missing from the web and an error from a runner", () =>
    withStore((store) =>
      Effect.gen(function* () {
        expect(yield* store.changeJob(404, { _tag: "RetryNow" }, "web API")).toEqual({ _tag: "Missing" })
        expect((yield* Effect.flip(store.apply(404, { _tag: "RetryNow" }))).message).toBe("job 404 does not exist")
      })))
})
