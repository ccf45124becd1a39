import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { mkdirSync, writeFileSync } from "node:fs"
import type { IncomingHttpHeaders } from "node:http"
import { join } from "node:path"
import { calibredb, makeEpub, newLibrary } from "../support/calibreLibrary.ts"
import { runCli } from "../support/cli.ts"
import { listLibrary, requireRealComponents } from "../support/components.ts"
import { writeStoryIni } from "../support/fanficfare.ts"
import { historyLines, type LocalSite, serveLocally } from "../support/watchSources.ts"
import { scratchFolder } from "../support/scratch.ts"

// Feeds from a local HTTP server (RSS and Atom, a 304 on the second request, broken feeds, an
// entry linking a chapter of a known story), with the real FanFicFare and Calibre behind them.

const scratch = scratchFolder("automated-fanfic-feeds-")
const library = join(scratch, "library")
const dataDir = join(scratch, "data")
const env = { FFDL_DATA__DIR: dataDir }
const config = join(scratch, "config.toml")
const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = []
let site: LocalSite | undefined
let base = ""

const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>Updates</title>
<item><title>Ini Story 1000, chapter 2</title><link>http://test1.com?sid=1000&amp;chapter=2</link><pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate></item>
<item><title>A new story</title><link>http://test1.com?sid=1003</link></item>
<item><title>Not a story</title><link>https://www.example.com/blog/1</link></item>
</channel></rss>`
const atom = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Threadmarks</title>
<entry><title>Another</title><link rel="alternate" href="http://test1.com?sid=1001"/><updated>2026-12-01T10:00:00Z</updated></entry></feed>`

beforeAll(async () => {
  requireRealComponents()
  const epubs = join(scratch, "epubs")
  mkdirSync(epubs, { recursive: true })
  const personal = writeStoryIni(epubs, "personal.ini", {
    "1000": ["chaptertitles:One,Two"], "1001": ["chaptertitles:One"], "1003": ["chaptertitles:One,Two,Three"]
  })
  newLibrary(library)
  calibredb("add", "--with-library", library, makeEpub(epubs, "1000.epub", "http://test1.com?sid=1000", personal))
  site = await serveLocally((request, response) => {
    seen.push({ path: request.url ?? "", headers: request.headers })
    if (request.url === "/rss") {
      if (request.headers["if-none-match"] === "\"v1\"") return void response.writeHead(304).end()
      response.writeHead(200, { "content-type": "application/rss+xml", etag: "\"v1\"" })
      return void response.end(rss)
    }
    if (request.url === "/atom") return void response.writeHead(200, { "content-type": "application/atom+xml", "last-modified": "Tue, 01 Dec 2026 10:00:00 GMT" }).end(atom)
    if (request.url === "/page") return void response.writeHead(200, { "content-type": "text/html" }).end("<html><body>not a feed</body></html>")
    response.writeHead(500).end("broken")
  })
  base = site.base
  const feeds = ["/rss", "/atom", "/broken", "/page"].map((path) => `"${base}${path}"`).join(", ")
  writeFileSync(config, `[calibre]\npath = "${library}"\npersonal_ini = "${personal}"\n[watch]\nimport_hours = 0\nfeeds = [${feeds}]\n`)
}, 120_000)

afterAll(() => {
  site?.close()
})

const events = (kind: string) => historyLines(dataDir, kind)

describe("feeds", () => {
  it("queue the stories their entries link, ask again conditionally, and name each broken feed", async () => {
    expect((await runCli(["-c", config, "import"], { env })).stdout).toContain("1 new to the store")
    const first = await runCli(["-c", config, "watch", "--now"], { env })
    expect(first.stdout).toContain(`feed:${base}/rss: 2 found, 2 job(s) queued`)
    expect(first.stdout).toContain(`feed:${base}/atom: 1 found, 1 job(s) queued`)
    expect(first.stdout).toContain(`feed:${base}/broken: answered HTTP 500; check the address in [watch] feeds`)
    expect(first.stdout).toContain(`feed:${base}/page: is not an RSS or Atom feed; check the address in [watch] feeds`)
    // The chapter link names the known story, which is checked cheaply; the others are new.
    expect(first.stdout).toMatch(/unchanged .*sid=1000.*check: site has 2 chapter/)
    expect(first.stdout).toMatch(/added .*sid=1003/)
    expect(first.stdout).toMatch(/added .*sid=1001/)
    expect(listLibrary(library).map((book) => book.identifiers["url"]).sort()).toEqual(["http://test1.com?sid=1000", "http://test1.com?sid=1001", "http://test1.com?sid=1003"])
    expect(events("checked")).toEqual([expect.stringMatching(new RegExp(`^test1:1000 feed:${base}/rss: check:`))])

    const second = await runCli(["-c", config, "watch", "--now"], { env })
    expect(second.stdout).toContain(`feed:${base}/rss: 0 found, 0 job(s) queued`)
    expect(seen.filter((request) => request.path === "/rss").map((request) => request.headers["if-none-match"])).toEqual([undefined, "\"v1\""])
    expect(seen.filter((request) => request.path === "/atom").map((request) => request.headers["if-modified-since"])).toEqual([undefined, "Tue, 01 Dec 2026 10:00:00 GMT"])
    expect(events("feed-request")).toContain(`null feed:${base}/rss: HTTP 304`)
  })
})
