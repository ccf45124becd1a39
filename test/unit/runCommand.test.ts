import { describe, expect, it } from "@effect/vitest"
import { NodeServices } from "@effect/platform-node"
import { Effect } from "effect"
import { runCommand } from "../../src/process/runCommand.ts"

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
})
