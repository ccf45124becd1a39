import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { ChildProcess } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { calibredb, makeEpub, newLibrary } from "../support/calibreLibrary.ts"
import { runCli, startCli, waitUntil } from "../support/cli.ts"
import { requireRealComponents } from "../support/components.ts"
import { writeStoryIni } from "../support/fanficfare.ts"
import { historyLines } from "../support/watchSources.ts"
import { scratchFolder } from "../support/scratch.ts"

// The watch sources in the daemon: at its first start it reads the library into the store, and
// the sweep then checks the story and updates it once its site has more chapters.

const scratch = scratchFolder("automated-fanfic-daemon-watch-")
const library = join(scratch, "library")
const dataDir = join(scratch, "data")
const epubs = join(scratch, "epubs")
const config = join(scratch, "config.toml")
const env = { FFDL_DATA__DIR: dataDir }
let daemon: ChildProcess | undefined

beforeAll(() => {
  requireRealComponents()
  mkdirSync(epubs, { recursive: true })
  newLibrary(library)
  calibredb("add", "--with-library", library, makeEpub(epubs, "1000.epub", "http://test1.com?sid=1000", writeStoryIni(epubs, "two.ini", { "1000": ["chaptertitles:One,Two"] })))
  const grown = writeStoryIni(epubs, "personal.ini", { "1000": ["chaptertitles:One,Two,Three"] })
  writeFileSync(config, `[calibre]\npath = "${library}"\npersonal_ini = "${grown}"\nmetadata_preservation_mode = "add_format"\n[watch]\nlibrary_sweep_hours = 0.001\n`)
}, 120_000)

afterAll(() => {
  if (daemon !== undefined && daemon.exitCode === null && daemon.signalCode === null) daemon.kill("SIGKILL")
})

describe("the daemon's watch sources", () => {
  it("imports the library at start, sweeps it, and updates the story that gained a chapter", async () => {
    daemon = startCli(["-c", config, "daemon"], { env })
    const exited = new Promise<number | null>((resolve) => daemon?.on("exit", (code) => resolve(code)))
    await waitUntil(() => historyLines(dataDir, "checked").length > 0, "the sweep checked the imported story", 90_000)
    await waitUntil(() => historyLines(dataDir, "Succeeded").length > 0, "the swept story's job finished", 90_000)
    expect(historyLines(dataDir, "imported")).toEqual([expect.stringMatching(/^test1:1000 from Calibre book 1, 2 chapters/)])
    expect(historyLines(dataDir, "checked")[0]).toMatch(/^test1:1000 sweep: check: site has 3 chapter\(s\).*the store knows 2.*: updating/)
    const status = JSON.parse((await runCli(["-c", config, "status", "--json"], { env })).stdout)
    expect(status.stories).toEqual([expect.objectContaining({ key: "test1:1000", chapters: 3, lastOutcome: "updated" })])
    expect(status.jobs).toEqual([expect.objectContaining({ origins: ["sweep"], state: "done" })])
    daemon.kill("SIGTERM")
    expect(await exited).toBe(0)
  })
})
