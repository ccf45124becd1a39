import { execFile } from "node:child_process"
import { join } from "node:path"
import { repoRoot } from "./paths.ts"

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
        env: { ...withoutFfdl(process.env), ...options.env },
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
