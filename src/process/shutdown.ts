import { ChildGroups } from "./childGroups.ts"

// Stopping on a signal. The first SIGINT/SIGTERM asks for a clean stop (the runtime interrupts the
// program: running jobs go back to the queue, FanFicFare is killed, work folders are removed); a
// second signal, or a clean stop that takes longer than process.shutdown_timeout, ends the
// process at once. This module imports nothing heavy: main installs the guard before the rest of
// the program loads, so a signal during start-up is a clean stop, never Node's default kill. The
// program reaches its one instance through the StopControl service.

export class ProcessStop {
  /** The external programs running now, killed when the process exits without waiting. */
  readonly children = new ChildGroups()
  #signals = 0
  #cleanStopIsSuccess = false
  #timeoutMs = 30_000

  /** Handles SIGINT and SIGTERM from now on. */
  install(): this {
    process.on("SIGINT", this.#onSignal)
    process.on("SIGTERM", this.#onSignal)
    return this
  }

  /** A stop was asked for (before the program's runtime and its own signal handling started, for main). */
  get requested(): boolean {
    return this.#signals > 0
  }

  /** For long-running commands: a stop asked for by a signal is the normal end (exit 0), within this time. */
  endCleanly(shutdownTimeoutSeconds: number): void {
    this.#cleanStopIsSuccess = true
    this.#timeoutMs = shutdownTimeoutSeconds * 1000
  }

  /** The exit code of a program a signal interrupted: 0 where that is its normal end, else 130. */
  get interruptedExitCode(): number {
    return this.#cleanStopIsSuccess ? 0 : 130
  }

  readonly #onSignal = (signal: NodeJS.Signals) => {
    this.#signals++
    if (this.#signals === 1) {
      setTimeout(() => {
        process.stderr.write(`error: the clean stop after ${signal} took longer than ${this.#timeoutMs / 1000} s (process.shutdown_timeout); exiting now\n`)
        this.children.killAll()
        process.exit(1)
      }, this.#timeoutMs).unref()
      return
    }
    process.stderr.write(`${signal} again: exiting now without waiting for the clean stop\n`)
    this.children.killAll()
    process.exit(130)
  }
}
