import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { calibredb, makeEpub, newLibrary } from "../support/calibreLibrary.ts"
import { runCli } from "../support/cli.ts"
import { listLibrary, requireRealComponents } from "../support/components.ts"
import { writeStoryIni } from "../support/fanficfare.ts"
import { historyLines, type LocalSite, serveLocally } from "../support/watchSources.ts"
import { scratchFolder } from "../support/scratch.ts"

// Reading lists read with the real FanFicFare --list from pages on a local HTTP server that
// link test-site stories: new stories are added (unless add_new = false), known ones checked.

const scratch = scratchFolder("automated-fanfic-lists-")
const library = join(scratch, "library")
const dataDir = join(scratch, "data")
const env = { FFDL_DATA__DIR: dataDir }
const config = join(scratch, "config.toml")
let site: LocalSite | undefined
let base = ""

const page = (...links: ReadonlyArray<string>) =>
  `<html><body><ul>${links.map((link) => `<li><a href="${link.replaceAll("&", "&amp;")}">story</a></li>`).join("")}<li><a href="/about">about</a></li></ul></body></html>`

beforeAll(async () => {
  requireRealComponents()
  const epubs = join(scratch, "epubs")
  mkdirSync(epubs, { recursive: true })
  const personal = writeStoryIni(epubs, "personal.ini", { "1000": ["chaptertitles:One,Two"], "1001": ["chaptertitles:One"], "1002": ["chaptertitles:One"] })
  newLibrary(library)
  calibredb("add", "--with-library", library, makeEpub(epubs, "1000.epub", "http://test1.com?sid=1000", personal))
  site = await serveLocally((request, response) => {
    if (request.url === "/bookmarks") return void response.writeHead(200, { "content-type": "text/html" }).end(page("http://test1.com?sid=1000", "http://test1.com?sid=1001"))
    if (request.url === "/series") return void response.writeHead(200, { "content-type": "text/html" }).end(page("http://test1.com?sid=1002&chapter=3", "http://test1.com?sid=1000"))
    response.writeHead(404).end("no such page")
  })
  base = site.base
  writeFileSync(config, [
    `[calibre]\npath = "${library}"\npersonal_ini = "${personal}"`,
    `[watch]\nimport_hours = 0\nlists = ["${base}/bookmarks", { url = "${base}/series", add_new = false }, "${base}/missing"]`
  ].join("\n"))
}, 120_000)

afterAll(() => {
  site?.close()
})

const events = (kind: string) => historyLines(dataDir, kind)

describe("reading lists", () => {
  it("add new stories, follow known ones only where add_new = false, and name a broken list", async () => {
    expect((await runCli(["-c", config, "import"], { env })).stdout).toContain("1 new to the store")
    const run = await runCli(["-c", config, "watch", "--now"], { env })
    expect(run.stdout).toContain(`list:${base}/bookmarks: 2 found, 2 job(s) queued`)
    expect(run.stdout).toContain(`list:${base}/series: 2 found, 1 job(s) queued`)
    expect(run.stdout).toMatch(new RegExp(`list:${base}/missing: .*404.*check the address in \\[watch\\] lists`))
    expect(run.stdout).toMatch(/added .*sid=1001/)
    expect(run.stdout).toMatch(/unchanged .*sid=1000.*check: site has 2 chapter/)
    expect(listLibrary(library).map((book) => book.identifiers["url"]).sort()).toEqual(["http://test1.com?sid=1000", "http://test1.com?sid=1001"])
    // One check for the known story, asked for by both lists.
    expect(events("checked")).toHaveLength(1)
    expect(events("checked")[0]).toContain(`test1:1000 list:${base}/bookmarks, list:${base}/series: check: site has 2 chapter(s)`)
    expect(events("list-request")).toContain(`null list:${base}/bookmarks: 2 link(s)`)
  })
})
