import { describe, expect, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import { type Job, type JobEvent, mergeRequest, transition } from "../../src/jobs/Job.ts"
import { decide } from "../../src/jobs/decide.ts"
import { groupBySite } from "../../src/jobs/runDueJobs.ts"
import { defaultRetryPolicy, nextAttempt } from "../../src/jobs/retryPolicy.ts"

const queued: Job = {
  id: 1, storyKey: "test1.com?sid=1", url: "http://test1.com?sid=1", state: "queued", attempts: 0,
  force: false, origins: ["manual"], nextAttemptAt: null, lastError: null
}

const Request = Schema.Struct({ origin: Schema.String, force: Schema.Boolean })

describe("merging requests into the open job", () => {
  it.prop("any run of requests for one story leaves one job with every origin once and force OR-ed", [Schema.Array(Request)], ([requests]) => {
    let job: Job = queued
    for (const request of requests) {
      job = { ...mergeRequest(job, { storyKey: job.storyKey, url: job.url, ...request }), id: job.id }
    }
    expect(job.id).toBe(1)
    expect(job.state).toBe("queued")
    expect(job.force).toBe(requests.some((request) => request.force))
    expect(job.origins).toEqual([...new Set(["manual", ...requests.map((request) => request.origin)])])
  })

  it("a request after the job finished starts a new one", () => {
    const done: Job = { ...queued, state: "done" }
    const next = mergeRequest(done, { storyKey: done.storyKey, url: done.url, origin: "email:7/42", force: false })
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

  it.each([
    ["done", { _tag: "Started" }],
    ["failed", { _tag: "Started" }],
    ["queued", { _tag: "Succeeded" }],
    ["waiting", { _tag: "RetryAt", at: 1, error: "x" }],
    ["done", { _tag: "Failed", error: "x" }]
  ] satisfies ReadonlyArray<readonly [Job["state"], JobEvent]>)("refuses %s on %o", (state, event) => {
    const result = transition({ ...queued, state }, event)
    expect(Result.isFailure(result) && result.failure.message).toContain(`cannot go from ${state}`)
  })
})

describe("retry times", () => {
  const policy = defaultRetryPolicy({ max_normal_retries: 11, hail_mary_enabled: true, hail_mary_wait_hours: 12 })
  const minutes = (ms: number) => ms / 60_000

  it("default policy without jitter: 1, 2, 4 … 60-minute cap, then the Hail-Mary at 12 h, then give up", () => {
    const delays = Array.from({ length: 11 }, (_, index) => {
      const decision = nextAttempt(policy, index + 1, 0, 0.5)
      return decision._tag === "Retry" ? minutes(decision.at) : decision._tag
    })
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60])
    expect(nextAttempt(policy, 12, 1000, 0.5)).toEqual({ _tag: "HailMary", at: 1000 + 12 * 3_600_000 })
    expect(nextAttempt(policy, 13, 1000, 0.5)).toEqual({ _tag: "GiveUp" })
  })

  it("jitter stays within ±20 %", () => {
    const low = nextAttempt(policy, 3, 0, 0)
    const high = nextAttempt(policy, 3, 0, 0.999999)
    expect(low._tag === "Retry" && minutes(low.at)).toBeCloseTo(3.2)
    expect(high._tag === "Retry" && minutes(high.at)).toBeCloseTo(4.8)
  })

  it("without the Hail-Mary the job fails after the normal retries", () => {
    const noHailMary = defaultRetryPolicy({ max_normal_retries: 2, hail_mary_enabled: false, hail_mary_wait_hours: 12 })
    expect(nextAttempt(noHailMary, 3, 0, 0.5)).toEqual({ _tag: "GiveUp" })
  })
})

describe("decide", () => {
  const policy = defaultRetryPolicy({ max_normal_retries: 2, hail_mary_enabled: true, hail_mary_wait_hours: 1 })
  const running = (attempts: number): Job => ({ ...queued, state: "running", attempts })
  const failed = (retryable: boolean) => ({ url: queued.url, result: "failed" as const, detail: "HTTP 503", retryable })

  it("success of any kind finishes the job", () => {
    for (const result of ["added", "updated", "unchanged", "kept"] as const) {
      expect(decide(running(1), { url: queued.url, result, detail: "" }, policy, 0, 0.5)).toEqual({ _tag: "Succeeded" })
    }
  })

  it("a story-level failure fails at once, a site-level one is retried, then Hail-Mary, then fails", () => {
    expect(decide(running(1), failed(false), policy, 0, 0.5)).toEqual({ _tag: "Failed", error: "HTTP 503" })
    expect(decide(running(1), failed(true), policy, 0, 0.5)).toEqual({ _tag: "RetryAt", at: 60_000, error: "HTTP 503" })
    expect(decide(running(2), failed(true), policy, 0, 0.5)).toEqual({ _tag: "RetryAt", at: 120_000, error: "HTTP 503" })
    expect(decide(running(3), failed(true), policy, 0, 0.5)).toMatchObject({ _tag: "RetryAt", at: 3_600_000 })
    expect(decide(running(4), failed(true), policy, 0, 0.5)).toEqual({ _tag: "Failed", error: "HTTP 503 (gave up after 4 tries)" })
  })
})

describe("groupBySite", () => {
  it("puts each site's jobs together, in order, www. or not", () => {
    const job = (id: number, url: string): Job => ({ ...queued, id, url })
    const groups = groupBySite([job(1, "http://test1.com?sid=1"), job(2, "http://test2.com?sid=1"), job(3, "http://www.test1.com?sid=2")])
    expect(groups.map((group) => group.map((j) => j.id))).toEqual([[1, 3], [2]])
  })
})
