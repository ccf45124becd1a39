import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import { cli } from "./cli/commands.ts"
import { alreadyReported, exitCodeFor } from "./cli/exitCodes.ts"
import { installSignalGuard } from "./process/shutdown.ts"
import { version } from "./version.ts"

const program = Command.run(cli, { version }).pipe(
  Effect.tapError((error) =>
    alreadyReported(error) ? Effect.void : Console.error(`error: ${error instanceof Error ? error.message : String(error)}`)
  ),
  Effect.provide(NodeServices.layer)
)

installSignalGuard()
NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  teardown: (exit, onExit) => onExit(exitCodeFor(exit))
})
