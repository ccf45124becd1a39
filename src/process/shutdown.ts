import { killChildrenNow } from "./children.ts"

// Stopping on a signal. The first SIGINT/SIGTERM asks for a clean stop (the runtime interrupts the
// program: running jobs go back to the queue, FanFicFare is killed, work folders are removed); a
// second signal, or a clean stop that takes longer than process.shutdown_timeout, ends the
// process at once. This module imports nothing heavy: main installs the guard before the rest of
// the program loads, so a signal during start-up is a clean stop, never Node's default kill.

let cleanStopIsSuccess = false
let timeoutMs = 30_000
let signals = 0

const onSignal = (signal: NodeJS.Signals) => {
  signals++
  if (signals === 1) {
    setTimeout(() => {
      process.stderr.write(`error: the clean stop after ${signal} took longer than ${timeoutMs / 1000} s (process.shutdown_timeout); exiting now\n`)
      killChildrenNow()
      process.exit(1)
    }, timeoutMs).unref()
    return
  }
  process.stderr.write(`${signal} again: exiting now without waiting for the clean stop\n`)
  killChildrenNow()
  process.exit(130)
}

export const installSignalGuard = () => {
  process.on("SIGINT", onSignal)
  process.on("SIGTERM", onSignal)
}

// A stop was asked for before the program's runtime (and its own signal handling) started.
export const stopRequested = () => signals > 0

// For long-running commands: a stop asked for by a signal is the normal end, exit code 0.
export const signalsEndCleanly = (shutdownTimeoutSeconds: number) => {
  cleanStopIsSuccess = true
  timeoutMs = shutdownTimeoutSeconds * 1000
}

export const interruptedExitCode = () => (cleanStopIsSuccess ? 0 : 130)
