import { ProcessStop } from "./process/shutdown.ts"

// Signal handling first: loading the rest takes a moment on a busy machine, and a SIGTERM in
// that moment must stop the program cleanly, not kill it.
const stop = new ProcessStop().install()
// `ps`, `pgrep automated-fanfic` and monitors see the program's name, not node's path. Set right
// after the guard, so a title showing means a signal is already handled.
process.title = "automated-fanfic"
const { runCli } = await import("./cli/run.ts")
if (stop.requested) process.exit(stop.interruptedExitCode)
// The only place the program reads its environment; every command gets it from here.
runCli(process.env, stop)
