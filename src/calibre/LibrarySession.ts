import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import { join } from "node:path"
import { Duration, Effect, Result, Schema, Semaphore } from "effect"
import { childEnvironment, launch, launcherCouldNotStart } from "../process/children.ts"
import { StopControl } from "../process/StopControl.ts"
import { holdOwnerLock, tempOwnerLock } from "../process/ownership.ts"
import { projectRoot } from "../process/projectRoot.ts"
import type { CommandResult } from "../process/runCommand.ts"

// One long-lived calibre process for a local library (scripts/calibre_worker.py under
// `calibre-debug -e`) instead of one calibredb process per call. It answers a calibredb command
// line with what calibredb would have printed, so everything that reads calibredb's output reads
// the session's the same way. The worker holds the library and calibre's single-instance lock
// only while there is work: it closes both after `idle` without a request. A worker that dies,
// hangs or answers nonsense is killed and replaced; the request is sent once more to the new one
// unless it could have written half a book (`add`).

export class CalibreWorkerFailed extends Schema.TaggedError<CalibreWorkerFailed>()("CalibreWorkerFailed", {
  operation: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `the calibre worker failed during ${this.operation}: ${this.reason}. The job is tried again; ` +
      "if this repeats, set [calibre] library_access = \"calibredb\" and report it"
  }
}

export class CalibreWorkerUnavailable extends Schema.TaggedError<CalibreWorkerUnavailable>()("CalibreWorkerUnavailable", {
  reason: Schema.String
}) {
  override get message() {
    return `the calibre worker cannot start: ${this.reason}`
  }
}

const Answer = Schema.Struct({
  id: Schema.Int,
  exitCode: Schema.Int,
  stdout: Schema.String,
  stderr: Schema.String,
  opened: Schema.optionalKey(Schema.Boolean)
})
const decodeAnswer = Schema.decodeUnknownResult(Schema.fromJsonString(Answer))

interface LibrarySessionOptions {
  /** The library: a folder, or a content-server URL. */
  readonly library: string
  /** Variables added to the worker's environment (calibre's config folder, server credentials). */
  readonly env: Readonly<Record<string, string>>
  /** A request not answered in this time means a hung worker. */
  readonly requestTimeout: Duration.Input
  /** The worker closes the library (and releases calibre's lock) after this long without work. */
  readonly idle?: Duration.Input
  /** The worker process itself ends after this long without work (starting one costs ~0.5 s). */
  readonly processIdle?: Duration.Input
  /** The worker's command line before the library argument (tests start a stand-in); calibre-debug -e the script otherwise. */
  readonly command?: ReadonlyArray<string>
}

export interface LibrarySession {
  /** Runs one calibredb command line (without --with-library) in the worker; answers what calibredb would have printed. */
  run(args: ReadonlyArray<string>): Effect.Effect<CommandResult, CalibreWorkerFailed | CalibreWorkerUnavailable>
  /**
   * Counts the times the library was opened: what was read of it under an older count (custom
   * columns) may have been changed by another program in between.
   */
  readonly openings: () => number
  /** The worker's process id, for tests that kill or stop it. */
  readonly pid: () => number | undefined
}

type Outcome = Result.Result<CommandResult, { readonly reason: string; readonly notStarted: boolean }>

interface Worker {
  /** The calibre-debug process. */
  readonly child: ChildProcessWithoutNullStreams
  /** The requests sent and not yet answered, by id, each with what resumes its caller. */
  readonly pending: Map<number, (outcome: Outcome) => void>
  /** Output received after the last complete answer line. */
  stdout: string
  /** The end of its standard error, for the message when it dies. */
  stderrTail: string
  /** Ended: killed, exited or failed to start; never sent to again. */
  gone: boolean
}

const workerScript = (): string => join(projectRoot() ?? process.cwd(), "scripts", "calibre_worker.py")

// Only a second add could create a second book; every other command may simply run again.
const mayRepeat = (args: ReadonlyArray<string>) => args[0] !== "add"

export const makeLibrarySession = Effect.fnUntraced(function* (options: LibrarySessionOptions) {
  // Known to the stop control, so a process told to exit at once kills the worker's group too.
  const { children } = yield* StopControl
  const oneAtATime = yield* Semaphore.make(1)
  const idleSeconds = Duration.toSeconds(Duration.fromInputUnsafe(options.idle ?? "2 seconds"))
  const processIdleMillis = Duration.toMillis(Duration.fromInputUnsafe(options.processIdle ?? "1 minute"))
  const timeoutMillis = Duration.toMillis(Duration.fromInputUnsafe(options.requestTimeout))
  const timeoutSeconds = timeoutMillis / 1000
  let current: Worker | undefined
  let nextId = 1
  let openings = 0
  let idleTimer: NodeJS.Timeout | undefined

  const end = (worker: Worker, reason: string, notStarted = false) => {
    if (worker.gone) return
    worker.gone = true
    if (current === worker) current = undefined
    children.untrack(worker.child.pid ?? -1)
    try {
      if (worker.child.pid !== undefined) process.kill(-worker.child.pid, "SIGKILL")
    } catch {
      // Already gone.
    }
    for (const resume of worker.pending.values()) resume(Result.fail({ reason, notStarted }))
    worker.pending.clear()
  }

  const exited = (worker: Worker, code: number | null, signal: NodeJS.Signals | null) => {
    const notStarted = launcherCouldNotStart({ exitCode: code ?? -1, stderr: worker.stderrTail })
    const tail = worker.stderrTail.trim().split("\n").slice(-3).join(" ")
    end(worker, notStarted ?? `it exited (${signal ?? `code ${code}`})${tail === "" ? "" : `: ${tail}`}`, notStarted !== undefined)
  }

  const received = (worker: Worker, chunk: string) => {
    worker.stdout += chunk
    let newline = worker.stdout.indexOf("\n")
    while (newline >= 0) {
      const line = worker.stdout.slice(0, newline)
      worker.stdout = worker.stdout.slice(newline + 1)
      newline = worker.stdout.indexOf("\n")
      const answer = decodeAnswer(line)
      if (Result.isFailure(answer)) return end(worker, `it answered something unreadable: ${line.slice(0, 200)}`)
      if (answer.success.opened === true) openings++
      const resume = worker.pending.get(answer.success.id)
      worker.pending.delete(answer.success.id)
      resume?.(Result.succeed({ exitCode: answer.success.exitCode, stdout: answer.success.stdout, stderr: answer.success.stderr }))
    }
  }

  const start = (): Worker => {
    const [command, ...args] = launch(options.command?.[0] ?? "calibre-debug", [
      ...(options.command?.slice(1) ?? ["-e", workerScript()]),
      options.library
    ])
    // Its own process group, like every child, so a kill reaches what it started (cover rendering).
    const child = spawn(command ?? "calibre-debug", args, {
      env: { ...process.env, ...options.env, ...childEnvironment, AUTOMATED_FANFIC_CALIBRE_IDLE: String(idleSeconds) },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true
    })
    const worker: Worker = { child, pending: new Map(), stdout: "", stderrTail: "", gone: false }
    if (child.pid !== undefined) children.track(child.pid)
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => received(worker, chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      worker.stderrTail = (worker.stderrTail + chunk).slice(-2000)
    })
    child.stdin.on("error", () => undefined)
    child.on("error", (error) => end(worker, error.message, true))
    child.on("exit", (code, signal) => exited(worker, code, signal))
    return worker
  }

  // Ends stdin: the worker closes the library, releases the lock and exits by itself.
  const retire = (worker: Worker) => {
    if (!worker.gone) worker.child.stdin.end()
  }

  // Timed with Node's own timers, not Effect's clock: a test clock must not make a hung worker
  // look alive, nor keep a closing session waiting forever.
  const send = (operation: string, args: ReadonlyArray<string>) =>
    Effect.callback<CommandResult, CalibreWorkerFailed | CalibreWorkerUnavailable>((resume) => {
      if (idleTimer !== undefined) clearTimeout(idleTimer)
      const worker = current ?? start()
      current = worker
      const id = nextId++
      const hung = setTimeout(() => end(worker, `no answer within ${timeoutSeconds} s; it was killed`), timeoutMillis)
      worker.pending.set(id, (outcome) => {
        clearTimeout(hung)
        if (Result.isSuccess(outcome)) {
          idleTimer = setTimeout(() => retire(worker), processIdleMillis).unref()
          return resume(Effect.succeed(outcome.success))
        }
        resume(Effect.fail(outcome.failure.notStarted
          ? new CalibreWorkerUnavailable({ reason: outcome.failure.reason })
          : new CalibreWorkerFailed({ operation, reason: outcome.failure.reason })))
      })
      worker.child.stdin.write(`${JSON.stringify({ id, args })}\n`)
      // Interrupted (a stopping job): the worker may be mid-write, so it is replaced.
      return Effect.sync(() => {
        clearTimeout(hung)
        if (worker.pending.has(id)) end(worker, "the request was abandoned")
      })
    })

  const run = Effect.fn("LibrarySession.run")(function* (args: ReadonlyArray<string>) {
    const operation = args[0] ?? "?"
    // A child names its owner's lock (children.ts), so the owner must hold it before the first child.
    yield* holdOwnerLock(tempOwnerLock).pipe(Effect.mapError((error) => new CalibreWorkerUnavailable({ reason: error.message })))
    return yield* send(operation, args).pipe(
      Effect.catchTag("CalibreWorkerFailed", (error) =>
        mayRepeat(args)
          ? Effect.andThen(Effect.logWarning(`${error.message}; sending ${operation} once more to a new worker`), send(operation, args))
          : Effect.fail(error))
    )
  }, (effect) => oneAtATime.withPermits(1)(effect))

  // A clean close releases calibre's lock at once; a worker that takes too long is killed.
  yield* Effect.addFinalizer(() =>
    Effect.callback<void>((resume) => {
      if (idleTimer !== undefined) clearTimeout(idleTimer)
      const worker = current
      if (worker === undefined || worker.gone) return resume(Effect.void)
      const killLater = setTimeout(() => end(worker, "the session was closed"), 3000)
      worker.child.once("exit", () => {
        clearTimeout(killLater)
        resume(Effect.void)
      })
      retire(worker)
    })
  )

  const session: LibrarySession = { run, openings: () => openings, pid: () => current?.child.pid }
  return session
})
