import { beforeAll, describe, expect, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { type CliRun, runCli } from "../support/cli.ts"
import { requireRealComponents } from "../support/components.ts"
import { repoRoot } from "../support/paths.ts"
import { scratchFolder } from "../support/scratch.ts"

// A library on a read-only mount, and a data folder on a full disk, as a container with a `:ro`
// volume or a full disk makes them: the message says what is wrong and what to do, not
// calibredb's traceback or SQLite's "disk I/O error". Each run has a mount namespace of its own.

const scratch = scratchFolder("automated-fanfic-unwritable-")
const temp = join(scratch, "tmp")
const bin = join(repoRoot, "bin", "automated-fanfic")

const inMountNamespace = (script: string, env: Record<string, string>) =>
  new Promise<CliRun>((resolve) => {
    execFile("unshare", ["--mount", "sh", "-c", script], { env: { ...process.env, ...env }, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }))
  })

beforeAll(() => {
  requireRealComponents()
  mkdirSync(temp, { recursive: true })
})

describe("a place this program cannot write", () => {
  it("a read-only library is named as such, with the fix, not as a Python OSError", async () => {
    const library = join(scratch, "library")
    const env = { FFDL_DATA__DIR: join(scratch, "data"), FFDL_CALIBRE__PATH: library, TMPDIR: temp }
    expect((await runCli(["once", "--library", library, "--create-library", "--url", "http://test1.com?sid=90"], { env })).code).toBe(0)
    expect((await runCli(["add", "http://test1.com?sid=91"], { env })).code).toBe(0)
    const run = await inMountNamespace(`mount --bind "$FFDL_CALIBRE__PATH" "$FFDL_CALIBRE__PATH" && mount -o remount,bind,ro "$FFDL_CALIBRE__PATH" && exec "${bin}" once`, env)
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(`the library ${library} is on a read-only file system; mount it writable`)
    expect(`${run.stdout}${run.stderr}`).not.toContain("OSError")
  })

  it("a full data disk is named as such, with the fix, not as a disk I/O error", async () => {
    const data = join(scratch, "full")
    mkdirSync(data)
    const env = { FFDL_DATA__DIR: data, FFDL_CALIBRE__PATH: join(scratch, "library"), TMPDIR: temp }
    const run = await inMountNamespace(
      `mount -t tmpfs -o size=256k tmpfs "$FFDL_DATA__DIR" && "${bin}" add 'http://test1.com?sid=92' && ` +
        `{ dd if=/dev/zero of="$FFDL_DATA__DIR/filler" bs=4k 2>/dev/null; exec "${bin}" add 'http://test1.com?sid=93' 'http://test1.com?sid=94'; }`,
      env
    )
    expect(run.code).toBe(3)
    expect(run.stderr).toContain(`the disk holding ${data} is full or failing; free some space there`)
  })
})
