import { beforeAll, describe, expect, it } from "@effect/vitest"
import { mkdirSync, writeFileSync } from "node:fs"
import { execFileSync } from "node:child_process"
import { join } from "node:path"
import { calibredb, makeEpub, newLibrary } from "../support/calibreLibrary.ts"
import { runCli } from "../support/cli.ts"
import { requireRealComponents } from "../support/components.ts"
import { writeStoryIni } from "../support/fanficfare.ts"
import { historyLines } from "../support/watchSources.ts"
import { scratchFolder } from "../support/scratch.ts"

// The library sweep with the cheap change check, against the real FanFicFare test site and a
// real Calibre library: a story is checked with one metadata-only run and updated only when
// the site has more chapters; a story the site says does not exist is no longer swept.

const scratch = scratchFolder("automated-fanfic-sweep-")
const library = join(scratch, "library")
const dataDir = join(scratch, "data")
const epubs = join(scratch, "epubs")
const env = { FFDL_DATA__DIR: dataDir }
const config = join(scratch, "config.toml")
const ini = (chapters1000: number) =>
  writeStoryIni(epubs, "personal.ini", {
    "1000": ["status:In-Progress", `chaptertitles:${Array.from({ length: chapters1000 }, (_, i) => `Chapter ${i + 1}`).join(",")}`],
    "1001": ["status:Completed", "chaptertitles:One,Two"],
    "1002": ["status:In-Progress", "chaptertitles:One,Two"]
  })

beforeAll(() => {
  requireRealComponents()
  mkdirSync(epubs, { recursive: true })
  newLibrary(library)
  const personal = ini(2)
  calibredb("add", "--with-library", library,
    makeEpub(epubs, "1000.epub", "http://test1.com?sid=1000", personal),
    makeEpub(epubs, "1001.epub", "http://test1.com?sid=1001", personal),
    makeEpub(epubs, "1002.epub", "http://test1.com?sid=1002", personal))
  // A book whose story the site no longer has.
  const gone = JSON.parse(calibredb("list", "--with-library", library, "--for-machine", "-s", "identifiers:\"=url:=http://test1.com?sid=1002\""))[0].id
  calibredb("set_metadata", "--with-library", library, "-f", "identifiers:url:http://test1.com?sid=666", String(gone))
  writeFileSync(config, `[calibre]\npath = "${library}"\npersonal_ini = "${personal}"\nmetadata_preservation_mode = "add_format"\n[watch]\nlibrary_sweep_hours = 0.0001\nimport_hours = 0\n`)
}, 180_000)

const history = (kind: string) => historyLines(dataDir, kind)

describe("the library sweep", () => {
  it("checks cheaply, updates exactly once when the site gains chapters, and drops a story that is gone", async () => {
    expect((await runCli(["-c", config, "import"], { env })).stdout).toContain("3 new to the store")

    // Nothing new on the site: two checks (the Completed story waits its 30 days), no update.
    const first = await runCli(["-c", config, "watch", "--now"], { env })
    expect(first.stdout).toContain("sweep: 2 found, 2 job(s) queued")
    expect(first.stdout).toMatch(/unchanged .*sid=1000.*check: site has 2 chapter\(s\).*nothing to download/)
    expect(first.stdout).toMatch(/failed .*sid=666.*does not exist/)
    expect(first.code).toBe(1)
    expect(history("checked")).toEqual([
      expect.stringMatching(/^test1:1000 sweep: check: site has 2 chapter/),
      expect.stringMatching(/^test1:666 sweep: check: the story does not exist/)
    ])
    expect(history("watch-gone")).toEqual([expect.stringMatching(/^test1:666 /)])

    // The site gains two chapters: one check, one update.
    ini(4)
    await new Promise((resolve) => setTimeout(resolve, 500))
    const second = await runCli(["-c", config, "watch", "--now"], { env })
    expect(second.stdout).toContain("sweep: 1 found, 1 job(s) queued")
    expect(second.stdout).toMatch(/updated .*sid=1000.*check: site has 4 chapter\(s\).*the store knows 2 .*: updating/)

    // And then nothing again.
    await new Promise((resolve) => setTimeout(resolve, 500))
    const third = await runCli(["-c", config, "watch", "--now"], { env })
    expect(third.code).toBe(0)
    expect(third.stdout).toMatch(/unchanged .*sid=1000.*site has 4 chapter\(s\).*the store knows 4/)
    expect(third.stdout).toContain("1 story: 0 added, 0 updated, 1 unchanged")
    expect(history("checked")).toHaveLength(4)
    const epub = JSON.parse(calibredb("list", "--with-library", library, "--for-machine", "--fields", "formats", "-s", "identifiers:\"=url:=http://test1.com?sid=1000\""))[0].formats[0]
    expect(Number(execChapters(epub))).toBe(4)
  })
})

const execChapters = (epub: string) =>
  execFileSync(
    join(import.meta.dirname, "..", "..", ".venv", "bin", "python3"), ["-c", "import sys; from fanficfare.epubutils import get_dcsource_chaptercount as c; print(c(sys.argv[1])[1])", epub], { encoding: "utf8" }
  ).trim()
