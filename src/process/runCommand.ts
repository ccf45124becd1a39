import { constants } from "node:os"
import { Duration, Effect, type PlatformError, Schema, Stream } from "effect"
import { ChildProcess, ChildProcessSpawner } from "effect/process"
import { childEnvironment, launch, launcherCouldNotStart } from "./children.ts"
import { holdOwnerLock, tempOwnerLock } from "./ownership.ts"
import { StopControl } from "./StopControl.ts"

// Runs one external program to completion: argv only (never a shell), both output streams
// drained concurrently so a chatty child cannot block on a full pipe, and a time limit after
// which the child's whole process group is killed. Every child dies with this process too, even
// when it is SIGKILLed (children.ts).

export interface CommandRequest {
  /** The program: a path, or a name looked up on PATH. */
  readonly command: string
  /** Its arguments, passed as they are (no shell). */
  readonly args: ReadonlyArray<string>
  /** The folder it runs in; this process's when absent. */
  readonly cwd?: string
  /** Variables added to this process's environment for the child. */
  readonly env?: Readonly<Record<string, string>>
  /** Text written to the child's standard input, which is then closed. */
  readonly input?: string
  /** How long it may run before its whole process group is killed. */
  readonly timeout: Duration.Input
  /** Wraps the child's run from its start until it exits (a one-at-a-time permit). The wait for
   * the rest of its process group to be gone comes after: a permit is never held for that. */
  readonly exclusive?: <A, E, R>(running: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

export interface CommandResult {
  /** Its exit code, or the shell's 128 + N when signal N killed it. */
  readonly exitCode: number
  /** Its standard output, as text. */
  readonly stdout: string
  /** Its standard error, as text. */
  readonly stderr: string
}

export class CommandNotFound extends Schema.TaggedError<CommandNotFound>()("CommandNotFound", {
  command: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `cannot start ${this.command}: ${this.reason}`
  }
}

export class CommandTimedOut extends Schema.TaggedError<CommandTimedOut>()("CommandTimedOut", {
  command: Schema.String,
  seconds: Schema.Number
}) {
  override get message() {
    return `${this.command} did not finish within ${this.seconds} s and was killed`
  }
}

const collect = (stream: Stream.Stream<Uint8Array, PlatformError.PlatformError>) =>
  stream.pipe(Stream.decodeText(), Stream.mkString)

// A child that started and was then killed by a signal (the OOM killer, a person's kill) failed
// this one run; it is not a missing program. Its exit code is the shell's 128 + signal number.
const signalExit = (error: PlatformError.PlatformError) => {
  const name = /signal: '(SIG[A-Z0-9]+)'/.exec(String(error.cause))?.[1]
  const number = Object.entries(constants.signals).find(([signal]) => signal === name)?.[1]
  return number === undefined ? Effect.fail(error) : Effect.succeed(128 + number)
}

export const runCommand = Effect.fn("runCommand")(function* (request: CommandRequest) {
  const spawner = yield* ChildProcessSpawner.ChildProcessSpawner
  const { children } = yield* StopControl
  const run = Effect.gen(function* () {
    // A child names its owner's lock (children.ts), so the owner must hold it before the first child.
    yield* holdOwnerLock(tempOwnerLock).pipe(Effect.mapError((error) => new CommandNotFound({ command: request.command, reason: error.message })))
    const [command, ...args] = launch(request.command, request.args)
    const running = Effect.gen(function* () {
      // Its clean-up (signal the group, wait until it is gone) belongs to the enclosing scope.
      const handle = yield* spawner.spawn(
        ChildProcess.make(command ?? request.command, args, {
          ...(request.cwd === undefined ? {} : { cwd: request.cwd }),
          env: { ...request.env, ...childEnvironment },
          extendEnv: true,
          stdin: request.input === undefined ? "ignore" : Stream.make(new TextEncoder().encode(request.input)),
          forceKillAfter: "3 seconds"
        })
      )
      const pid = Number(handle.pid)
      children.track(pid)
      yield* Effect.addFinalizer(() => Effect.sync(() => children.untrack(pid)))
      return yield* Effect.all(
        [collect(handle.stdout), collect(handle.stderr), handle.exitCode.pipe(Effect.catchTag("PlatformError", signalExit))],
        { concurrency: "unbounded" }
      )
    })
    const [stdout, stderr, exitCode] = yield* (request.exclusive === undefined ? running : request.exclusive(running))
    const result: CommandResult = { exitCode: Number(exitCode), stdout, stderr }
    const notStarted = launcherCouldNotStart(result)
    if (notStarted !== undefined) return yield* new CommandNotFound({ command: request.command, reason: notStarted })
    return result
  }).pipe(Effect.scoped)
  return yield* run.pipe(
    Effect.catchTag("PlatformError", (error) =>
      Effect.fail(new CommandNotFound({ command: request.command, reason: error.message }))
    ),
    Effect.timeoutOrElse({
      duration: request.timeout,
      orElse: () =>
        Effect.fail(new CommandTimedOut({ command: request.command, seconds: Duration.toSeconds(Duration.fromInputUnsafe(request.timeout)) }))
    })
  )
})

// A runCommand bound to the spawner of the layer that builds it, so service methods need nothing.
// CommandRunner.layer is made of it; Calibre.ts still calls it directly.
export const makeCommandRunner = Effect.gen(function* () {
  const spawner = yield* ChildProcessSpawner.ChildProcessSpawner
  const { children } = yield* StopControl
  return (request: CommandRequest) =>
    runCommand(request).pipe(Effect.provideService(ChildProcessSpawner.ChildProcessSpawner, spawner))
})
