import { describe, expect, it } from "@effect/vitest"
import { Effect, Result, Schema } from "effect"
import { type Job, type JobEvent, mergeRequest, transition } from "../../src/jobs/Job.ts"
import { decide } from "../../src/jobs/decide.ts"
import { defaultRetryPolicy, nextAttempt } from "../../src/jobs/retryPolicy.ts"
import { fixedRandom } from "../support/random.ts"

const queued: Job = {
  id: 1, storyKey: "test1.com?sid=1", url: "http://test1.com?sid=1", site: "test1.com", state: "queued", attempts: 0, interruptions: 0,
  force: false, origins: ["manual"], nextAttemptAt: null, lastError: null
}

const Request = Schema.Struct({ origin: Schema.String, force: Schema.Boolean })

describe("merging requests into the open job", () => {
  it.prop("any run of requests for one story leaves one job with every origin once and force OR-ed", [Schema.Array(Request)], ([requests]) => {
    let job: Job = queued
    for (const request of requests) {
      job = { ...mergeRequest(job, { storyKey: job.storyKey, url: job.url, site: job.site, ...request }), id: job.id }
    }
    expect(job.id).toBe(1)
    expect(job.state).toBe("queued")
    expect(job.force).toBe(requests.some((request) => request.force))
    expect(job.origins).toEqual([...new Set(["manual", ...requests.map((request) => request.origin)])])
  })

  it("a request after the job finished starts a new one", () => {
    const done: Job = { ...queued, state: "done" }
    const next = mergeRequest(done, { storyKey: done.storyKey, url: done.url, site: done.site, origin: "email:7/42", force: false })
    expect(next.id).toBeUndefined()
    expect(next).toMatchObject({ state: "queued", attempts: 0, origins: ["email:7/42"] })
  })
})

describe("job transitions", () => {
  const run = (job: Job, ...events: ReadonlyArray<JobEvent>) =>
    events.reduce<Result.Result<Job, unknown>>((current, event) => Result.flatMap(current, (value) => transition(value, event)), Result.succeed(job))

  it("queued → running → waiting → running → done counts attempts", () => {
    const result = run(queued, { _tag: "Started" }, { _tag: "RetryAt", at: 5, error: "HTTP 503" }, { _tag: "Started" }, { _tag: "Succeeded" })
    expect(Result.getOrThrow(result)).toMatchObject({ state: "done", attempts: 2, lastError: null, nextAttemptAt: null })
  })

  it("a crash's running job goes back to queued; a waiting job keeps its time", () => {
    expect(Result.getOrThrow(run(queued, { _tag: "Started" }, { _tag: "Recovered" })).state).toBe("queued")
    expect(Result.isFailure(run({ ...queued, state: "waiting", nextAttemptAt: 99 }, { _tag: "Recovered" }))).toBe(true)
  })

  it("a try cut short by a crash is not counted toward the retry limit, only in the history", () => {
    const interrupted = Array.from({ length: 5 }, () => [{ _tag: "Started" }, { _tag: "Recovered" }] as const).flat()
    const job = Result.getOrThrow(run(queued, { _tag: "Started" }, { _tag: "RetryAt", at: 5, error: "HTTP 503" }, ...interrupted, { _tag: "Started" }))
    expect(job).toMatchObject({ state: "running", attempts: 2, interruptions: 5 })
  })

  it("a person may run a waiting job now, or cancel one that has not started", () => {
    expect(Result.getOrThrow(run({ ...queued, state: "waiting", nextAttemptAt: 99 }, { _tag: "RetryNow" }))).toMatchObject({ state: "queued", nextAttemptAt: null })
    expect(Result.getOrThrow(run({ ...queued, state: "waiting", nextAttemptAt: 99 }, { _tag: "Cancelled", reason: "by hand" }))).toMatchObject({ state: "skipped", nextAttemptAt: null, lastError: "by hand" })
    expect(Result.getOrThrow(run(queued, { _tag: "Cancelled", reason: "by hand" })).state).toBe("skipped")
  })

  it.each([
    ["done", { _tag: "Started" }],
    ["failed", { _tag: "Started" }],
    ["queued", { _tag: "Succeeded" }],
    ["waiting", { _tag: "RetryAt", at: 1, error: "x" }],
    ["done", { _tag: "Failed", error: "x" }],
    ["running", { _tag: "Cancelled", reason: "x" }],
    ["done", { _tag: "Cancelled", reason: "x" }],
    ["queued", { _tag: "RetryNow" }],
    ["failed", { _tag: "RetryNow" }]
  ] satisfies ReadonlyArray<readonly [Job["state"], JobEvent]>)("refuses %s on %o", (state, event) => {
    const result = transition({ ...queued, state }, event)
    expect(Result.isFailure(result) && result.failure.message).toContain(`cannot go from ${state}`)
  })
})

const retry = (overrides: Partial<Parameters<typeof defaultRetryPolicy>[0]> = {}) =>
  defaultRetryPolicy({ max_normal_retries: 11, hail_mary_enabled: true, hail_mary_wait_hours: 12, nothing_new_rechecks: 3, nothing_new_recheck_minutes: 10, ...overrides })

describe("retry times (an Effect Schedule replayed from the stored attempt count)", () => {
  const policy = retry()
  const minutes = (ms: number) => ms / 60_000

  it.effect("default policy without jitter: 1, 2, 4 … 60-minute cap, then the Hail-Mary at 12 h, then give up", () =>
    Effect.gen(function* () {
      const delays: Array<number | string> = []
      for (let attempts = 1; attempts <= 11; attempts++) {
        const decision = yield* nextAttempt(policy, attempts, 0)
        delays.push(decision._tag === "Retry" ? minutes(decision.at) : decision._tag)
      }
      expect(delays).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60])
      expect(yield* nextAttempt(policy, 12, 1000)).toEqual({ _tag: "HailMary", at: 1000 + 12 * 3_600_000 })
      expect(yield* nextAttempt(policy, 13, 1000)).toEqual({ _tag: "GiveUp" })
    }).pipe(fixedRandom(0.5)))

  it.effect("jitter stays within ±20 %", () =>
    Effect.gen(function* () {
      const low = yield* nextAttempt(policy, 3, 0).pipe(fixedRandom(0))
      const high = yield* nextAttempt(policy, 3, 0).pipe(fixedRandom(0.999999))
      expect(low._tag === "Retry" && minutes(low.at)).toBeCloseTo(3.2)
      expect(high._tag === "Retry" && minutes(high.at)).toBeCloseTo(4.8)
    }))

  it.effect("without the Hail-Mary the job fails after the normal retries", () =>
    Effect.gen(function* () {
      const noHailMary = retry({ max_normal_retries: 2, hail_mary_enabled: false })
      expect((yield* nextAttempt(noHailMary, 2, 0))._tag).toBe("Retry")
      expect(yield* nextAttempt(noHailMary, 3, 0)).toEqual({ _tag: "GiveUp" })
    }).pipe(fixedRandom(0.5)))
})

describe("decide", () => {
  const policy = retry({ max_normal_retries: 2, hail_mary_wait_hours: 1 })
  const running = (attempts: number, origins: ReadonlyArray<string> = ["manual"]): Job => ({ ...queued, state: "running", attempts, origins })
  const failed = (retryable: boolean) => ({ url: queued.url, result: "failed" as const, detail: "HTTP 503", retryable })

  it.effect("success of any kind finishes the job", () =>
    Effect.gen(function* () {
      for (const result of ["added", "updated", "unchanged", "kept"] as const) {
        expect(yield* decide(running(1), { url: queued.url, result, detail: "" }, policy, 0)).toEqual({ _tag: "Succeeded" })
      }
    }))

  it.effect("a story-level failure fails at once, a site-level one is retried, then Hail-Mary, then fails", () =>
    Effect.gen(function* () {
      expect(yield* decide(running(1), failed(false), policy, 0)).toEqual({ _tag: "Failed", error: "HTTP 503" })
      expect(yield* decide(running(1), failed(true), policy, 0)).toEqual({ _tag: "RetryAt", at: 60_000, error: "HTTP 503" })
      expect(yield* decide(running(2), failed(true), policy, 0)).toEqual({ _tag: "RetryAt", at: 120_000, error: "HTTP 503" })
      expect(yield* decide(running(3), failed(true), policy, 0)).toMatchObject({ _tag: "RetryAt", at: 3_600_000 })
      expect(yield* decide(running(4), failed(true), policy, 0)).toEqual({ _tag: "Failed", error: "HTTP 503 (gave up after 4 tries)" })
    }).pipe(fixedRandom(0.5)))

  it.effect("nothing new after an email is checked again a bounded number of times; after a manual request it is done", () =>
    Effect.gen(function* () {
      const unchanged = { url: queued.url, result: "unchanged" as const, detail: "already has 5 chapters" }
      const email = ["email:7/42"]
      for (const attempts of [1, 2, 3]) {
        expect(yield* decide(running(attempts, email), unchanged, policy, 1000)).toMatchObject({ _tag: "RetryAt", at: 1000 + 10 * 60_000 })
      }
      expect(yield* decide(running(4, email), unchanged, policy, 1000)).toEqual({ _tag: "Succeeded" })
      expect(yield* decide(running(1), unchanged, policy, 1000)).toEqual({ _tag: "Succeeded" })
    }))
})
