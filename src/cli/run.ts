import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect } from "effect"
import { Command } from "effect/cli"
import type { StartOptions } from "../config/GlobalOptions.ts"
import type { ProcessStop } from "../process/shutdown.ts"
import { StopControl } from "../process/StopControl.ts"
import { version } from "../version.ts"
import { cli } from "./commands.ts"
import { exitCodeFor, withExitCode } from "./exitCodes.ts"

// Runs the command line on Effect's Node runtime, which from here on turns SIGINT/SIGTERM into
// an interruption of the program. Node's services are provided here, for every command.
export const runCli = (environment: StartOptions["environment"], stop: ProcessStop) => {
  const program = Command.run(cli(environment), { version }).pipe(withExitCode, Effect.provide(NodeServices.layer), Effect.provideService(StopControl, stop))
  NodeRuntime.runMain(program, {
    disableErrorReporting: true,
    teardown: (exit, onExit) => onExit(exitCodeFor(exit, stop))
  })
}
