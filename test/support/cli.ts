import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process"
import { join } from "node:path"
import { repoRoot } from "./paths.ts"
import { scratchFolder } from "./scratch.ts"

// Every test file's runs keep their job store in a data folder of their own (unless a test names
// one with FFDL_DATA__DIR), never in that of the person running the tests.
const dataHome = scratchFolder("automated-fanfic-test-data-")

export interface CliRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

// Runs the real command-line program, as a user would, through bin/automated-fanfic.
export const runCli = (args: ReadonlyArray<string>, options: { env?: Record<string, string>; cwd?: string } = {}) =>
  new Promise<CliRun>((resolve) => {
    execFile(
      join(repoRoot, "bin", "automated-fanfic"),
      [...args],
      {
        cwd: options.cwd ?? repoRoot,
        env: { ...withoutFfdl(process.env), XDG_DATA_HOME: dataHome, ...options.env },
        timeout: 170_000,
        maxBuffer: 16 * 1024 * 1024
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1
        resolve({ code, stdout, stderr })
      }
    )
  })

// A developer's own FFDL_ variables must not leak into the tests.
const withoutFfdl = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith("FFDL_") && key !== "AUTOMATED_FANFIC_CONFIG"))

// Starts the program without waiting, for tests that kill it part-way.
export const startCli = (args: ReadonlyArray<string>, options: { env?: Record<string, string> } = {}) =>
  spawn(join(repoRoot, "bin", "automated-fanfic"), [...args], {
    cwd: repoRoot,
    env: { ...withoutFfdl(process.env), XDG_DATA_HOME: dataHome, ...options.env },
    stdio: "ignore"
  })

// The daemon in a process group of its own, as a service manager starts it; with pidNamespace,
// as pid 1 of a new pid namespace, as a container starts it (the same pid on every restart).
export const startDaemon = (args: ReadonlyArray<string>, options: { env?: Record<string, string>; pidNamespace?: boolean } = {}) => {
  const program = join(repoRoot, "bin", "automated-fanfic")
  const [command, ...argv] = options.pidNamespace === true
    ? ["unshare", "--pid", "--fork", "--kill-child=SIGKILL", "--mount-proc", program, ...args]
    : [program, ...args]
  return spawn(command ?? program, argv, { cwd: repoRoot, env: { ...withoutFfdl(process.env), ...options.env }, stdio: "ignore", detached: true })
}

// SIGKILL for the daemon's whole process group (`kill -KILL -- -PGID`), waiting until it is gone.
export const killGroup = async (child: ChildProcess) => {
  const exited = child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once("exit", () => resolve()))
  if (child.pid !== undefined) {
    try {
      process.kill(-child.pid, "SIGKILL")
    } catch {
      // Already gone.
    }
  }
  await exited
}

// SIGKILL for a process and everything it started, as a power cut or `docker kill` would do.
// The tree is collected first: once the parent dies its children belong to init.
export const killTree = (pid: number) => {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" }).trim().split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number))
  const tree = new Set([pid])
  let grew = true
  while (grew) {
    grew = false
    for (const [child, parent] of rows) {
      if (child !== undefined && parent !== undefined && tree.has(parent) && !tree.has(child)) {
        tree.add(child)
        grew = true
      }
    }
  }
  for (const member of tree) {
    try {
      process.kill(member, "SIGKILL")
    } catch {
      // Already gone.
    }
  }
}

export const waitUntil = async (condition: () => boolean, what: string, timeoutMs = 120_000) => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
