import { beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { storeFile } from "../../src/config/dataDir.ts"
import { Store } from "../../src/store/Store.ts"
import { calibredb, makeEpub, newLibrary } from "../support/calibreLibrary.ts"
import { runCli } from "../support/cli.ts"
import { requireRealComponents } from "../support/components.ts"
import { writeForeignEpub, writeStoryIni } from "../support/fanficfare.ts"
import { scratchFolder } from "../support/scratch.ts"

// `import` against a real Calibre library: FanFicFare books become stories with their title,
// author, chapters and status; books without a url, on sites FanFicFare does not know, or
// already in the store are left alone.

const scratch = scratchFolder("automated-fanfic-import-")
const library = join(scratch, "library")
const dataDir = join(scratch, "data")
const config = join(scratch, "config.toml")
const env = { FFDL_DATA__DIR: dataDir }

beforeAll(() => {
  requireRealComponents()
  const epubs = join(scratch, "epubs")
  mkdirSync(epubs, { recursive: true })
  newLibrary(library)
  const ini = writeStoryIni(epubs, "story.ini", { "1000": ["status:In-Progress", "chaptertitles:Prologue,Chapter 1,Chapter 2"] })
  calibredb("add", "--with-library", library,
    makeEpub(epubs, "1.epub", "http://test1.com?sid=1"),
    makeEpub(epubs, "2.epub", "http://test1.com?sid=2"),
    makeEpub(epubs, "3.epub", "http://test1.com?sid=3"),
    makeEpub(epubs, "1000.epub", "http://test1.com?sid=1000", ini))
  const foreign = join(epubs, "foreign.epub")
  writeForeignEpub(foreign)
  calibredb("add", "--with-library", library, "--duplicates", foreign)
  calibredb("add", "--with-library", library, "--duplicates", "-I", "url:https://www.example.com/book/7", foreign)
  writeFileSync(config, `[calibre]\npath = "${library}"\n`)
}, 180_000)

const watched = () =>
  Effect.runPromise(Effect.gen(function* () {
    return yield* (yield* Store).watchedStories
  }).pipe(Effect.provide(Store.layer(storeFile(dataDir)))))

describe("import", () => {
  it("reads every FanFicFare book into the store without downloading, once", async () => {
    // A story the store knows already keeps what the store says of it.
    expect((await runCli(["-c", config, "add", "http://test1.com?sid=3"], { env })).code).toBe(0)
    const run = await runCli(["-c", config, "import"], { env })
    expect(run.stderr).not.toMatch(/error/i)
    expect(run.stdout).toContain("5 book(s) with a url, 4 of them stories FanFicFare supports; 3 new to the store")
    const stories = new Map((await watched()).map((story) => [story.key, story]))
    expect([...stories.keys()].sort()).toEqual(["test1:1", "test1:1000", "test1:2", "test1:3"])
    expect(stories.get("test1:1")).toMatchObject({ title: "Test Story Title 1", chapters: 9, status: "In-Progress", dateUpdated: "1975-04-15", watch: "follow" })
    expect(stories.get("test1:2")).toMatchObject({ chapters: 9, status: "Completed" })
    expect(stories.get("test1:1000")).toMatchObject({ title: "Ini Story 1000", chapters: 3, status: "In-Progress" })
    expect(stories.get("test1:3")).toMatchObject({ title: null, chapters: null })
    // Nothing was queued for the imported books, and a second import adds nothing.
    const again = await runCli(["-c", config, "import"], { env })
    expect(again.stdout).toContain("0 new to the store")
    const status = JSON.parse((await runCli(["-c", config, "status", "--json"], { env })).stdout)
    expect(status.jobs).toHaveLength(1)
    expect(status.stories).toHaveLength(4)
  })
})
