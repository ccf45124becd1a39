import { Context, Effect, Layer } from "effect"
import { type CommandNotFound, type CommandRequest, type CommandResult, type CommandTimedOut, makeCommandRunner } from "./runCommand.ts"

// The external programs a service starts (FanFicFare, its site script, apprise, a token
// command), as a service: a service's layer provides this one itself, and the program's entry
// provides the Node child-process spawner under it once.

export class CommandRunner extends Context.Service<CommandRunner, {
  /** Runs one program to completion, as runCommand does: argv only, both outputs drained, killed at the time limit. */
  run(request: CommandRequest): Effect.Effect<CommandResult, CommandNotFound | CommandTimedOut>
}>()("automated-fanfic/process/CommandRunner") {
  static readonly layer = Layer.effect(CommandRunner, Effect.map(makeCommandRunner, (run) => CommandRunner.of({ run })))
}
