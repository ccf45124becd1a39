import { describe, expect, it } from "@effect/vitest"
import { NodeServices } from "@effect/platform-node"
import { Effect, Fiber, Semaphore } from "effect"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { runCommand } from "../../src/process/runCommand.ts"
import { ProcessStop } from "../../src/process/shutdown.ts"
import { StopControl } from "../../src/process/StopControl.ts"

// A child that started and was then killed by a signal failed that one run: its result says so
// with the shell's exit code, so a FanFicFare killed by the OOM killer is a retry of its job,
// never "FanFicFare cannot run" for the whole run.
describe("runCommand", () => {
  it.effect("a child killed by SIGKILL ends with exit code 137, not as a program that cannot start", () =>
    Effect.gen(function* () {
      const result = yield* runCommand({ command: "sh", args: ["-c", "echo started; kill -KILL $$"], timeout: "30 seconds" })
      expect(result.exitCode).toBe(137)
      expect(result.stdout).toBe("started\n")
    }).pipe(Effect.provide(NodeServices.layer)))

  it.effect("a program that does not exist is CommandNotFound", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(runCommand({ command: "/no/such/program", args: [], timeout: "30 seconds" }))
      expect(error._tag).toBe("CommandNotFound")
    }).pipe(Effect.provide(NodeServices.layer)))

  // calibredb's children linger after it exits; the permit of the next library call must not
  // wait for them (the process group is cleaned up after the permit is released).
  it.live("the exclusive wrapper ends when the child exits, before its lingering process group is gone", () =>
    Effect.gen(function* () {
      const permit = yield* Semaphore.make(1)
      const started = Date.now()
      const command = yield* Effect.forkChild(runCommand({
        command: "sh",
        args: ["-c", "(trap '' TERM; sleep 2) >/dev/null 2>&1 & exit 0"],
        timeout: "30 seconds",
        exclusive: permit.withPermits(1)
      }))
      yield* Effect.sleep("200 millis")
      yield* permit.withPermits(1)(Effect.void)
      const permitFreeAfter = Date.now() - started
      yield* Fiber.join(command)
      const commandDoneAfter = Date.now() - started
      expect(permitFreeAfter).toBeLessThan(1500)
      expect(commandDoneAfter).toBeGreaterThanOrEqual(1800)
    }).pipe(Effect.provide(NodeServices.layer)))

  // What a second SIGTERM does before it exits: every running child's whole group (here a shell
  // and the sleep it started) is killed, through the instance the program was given.
  it.live("the stop control given to the program knows its running children and kills their groups", () =>
    Effect.gen(function* () {
      const stop = new ProcessStop()
      const pidFile = join(mkdtempSync(join(tmpdir(), "automated-fanfic-stop-")), "sleep.pid")
      const running = yield* Effect.forkChild(
        runCommand({ command: "sh", args: ["-c", `sleep 60 & echo $! > ${pidFile}.part && mv ${pidFile}.part ${pidFile}; wait`], timeout: "60 seconds" })
          .pipe(Effect.provideService(StopControl, stop))
      )
      for (let waited = 0; waited < 1000 && !existsSync(pidFile); waited++) yield* Effect.sleep("20 millis")
      const sleepPid = readFileSync(pidFile, "latin1").trim()
      rmSync(dirname(pidFile), { recursive: true })
      stop.children.killAll()
      expect((yield* Fiber.join(running)).exitCode).toBe(137)
      // Gone, or a zombie its (killed) parent never reaped: either way it runs no more.
      const ended = () => !existsSync(`/proc/${sleepPid}`) || /\) Z/.test(readFileSync(`/proc/${sleepPid}/stat`, "latin1"))
      for (let waited = 0; waited < 250 && !ended(); waited++) yield* Effect.sleep("20 millis")
      expect(ended()).toBe(true)
    }).pipe(Effect.provide(NodeServices.layer)))
})
