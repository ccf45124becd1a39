import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { judgeHealth } from "../../src/process/daemonHealth.ts"
import { type ServiceHealth, supervise } from "../../src/process/supervise.ts"

const policy = { maxRestarts: 3, delay: Duration.seconds(5), healthyAfter: Duration.minutes(5) }

describe("supervise", () => {
  it.effect("a service that dies is restarted after 5 s, 10 s, 20 s and reported each time; a fourth death in a row is final", () =>
    Effect.gen(function* () {
      const reports: Array<ServiceHealth> = []
      let starts = 0
      const service = Effect.gen(function* () {
        starts++
        yield* Effect.sleep(Duration.seconds(1))
        return yield* Effect.die(new Error(`boom ${starts}`))
      })
      const fiber = yield* Effect.forkChild(supervise("mail", service, policy, (health) => Effect.sync(() => void reports.push(health))))
      yield* TestClock.adjust(Duration.seconds(1))
      expect(reports.map((health) => health.state)).toEqual(["up", "restarting"])
      yield* TestClock.adjust(Duration.seconds(5))
      expect(starts).toBe(2)
      yield* TestClock.adjust(Duration.seconds(1 + 10 + 1 + 20 + 1))
      const exit = yield* Fiber.await(fiber)
      expect(starts).toBe(4)
      expect(Exit.isFailure(exit)).toBe(true)
      expect(reports.map((health) => `${health.state} ${health.restarts}`)).toEqual([
        "up 0", "restarting 1", "up 1", "restarting 2", "up 2", "restarting 3", "up 3", "failed 3"
      ])
      expect(reports.at(-1)?.lastError).toContain("boom 4")
    }))

  it.effect("a typed failure is not a death: it is passed on at once", () =>
    Effect.gen(function* () {
      const noLibrary: Effect.Effect<never, string> = Effect.fail("no library")
      const exit = yield* Effect.exit(supervise("jobs", noLibrary, policy, () => Effect.void))
      expect(exit).toEqual(Exit.fail("no library"))
    }))

  it.effect("a service that stayed up five minutes starts its count afresh", () =>
    Effect.gen(function* () {
      let starts = 0
      const service = Effect.gen(function* () {
        starts++
        yield* Effect.sleep(Duration.minutes(6))
        return yield* Effect.die(new Error("rare"))
      })
      const fiber = yield* Effect.forkChild(supervise("jobs", service, { ...policy, maxRestarts: 1 }, () => Effect.void))
      yield* TestClock.adjust(Duration.minutes(6 * 5 + 1))
      expect(starts).toBe(6)
      yield* Fiber.interrupt(fiber)
    }))
})

describe("judgeHealth", () => {
  const mail: ServiceHealth = { name: "mail", state: "restarting", restarts: 1, lastError: "boom", since: 50_000 }
  const health = { pid: 42, startedAt: 0, updatedAt: 60_000, services: [mail] }
  it("is healthy while the process lives, reports on time and nothing failed", () => {
    expect(judgeHealth(health, 70_000, () => true)).toMatchObject({ running: true, healthy: true })
    expect(judgeHealth(health, 70_000, () => false)).toEqual({ running: false, healthy: false, lines: ["daemon: not running"] })
    expect(judgeHealth(health, 60_000 + 91_000, () => true)).toMatchObject({ running: true, healthy: false })
    expect(judgeHealth({ ...health, services: [{ ...mail, state: "failed" }] }, 70_000, () => true).healthy).toBe(false)
    expect(judgeHealth(undefined, 0, () => true).running).toBe(false)
  })
})
