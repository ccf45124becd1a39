import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { createServer, type Server } from "node:http"
import { join } from "node:path"
import { runCli } from "../support/cli.ts"
import { listLibrary, requireRealComponents } from "../support/components.ts"
import { writeStoryIni } from "../support/fanficfare.ts"
import { scratchFolder } from "../support/scratch.ts"

// A site that answers 429 trips its breaker and waits, while the other sites' stories are
// downloaded and written. Real FanFicFare fetches test2.com's chapters from a local server
// (chapter_urls); "retry-after: 1" keeps its own urllib3 retries to about 5 s per story.

const scratch = scratchFolder("automated-fanfic-breaker-")
let server: Server | undefined
let requests = 0

beforeAll(async () => {
  requireRealComponents()
  server = await new Promise<Server>((resolve) => {
    const created = createServer((_request, response) => {
      requests++
      response.writeHead(429, { "retry-after": "1" })
      response.end("slow down")
    })
    created.listen(0, "127.0.0.1", () => resolve(created))
  })
})
afterAll(() => server?.close())

describe("a site answering 429", () => {
  it("is paused after two refusals while the other sites proceed, and status says so", async () => {
    const address = server?.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    const limited = [3101, 3102, 3103].map((sid) => `http://test2.com?sid=${sid}`)
    const others = ["http://test1.com?sid=41", "http://test3.com?sid=43", "http://test1.com?sid=45"]
    const ini = writeStoryIni(scratch, "limited.ini", Object.fromEntries(
      [3101, 3102, 3103].map((sid) => [String(sid), [`chapter_urls:http://127.0.0.1:${port}/chapter#p1,Chapter One`]])
    ))
    const library = join(scratch, "library")
    const env = { FFDL_DATA__DIR: join(scratch, "data"), FFDL_CALIBRE__PATH: library, FFDL_CALIBRE__PERSONAL_INI: ini, FFDL_MAX_WORKERS: "2" }
    expect((await runCli(["add", ...limited, ...others], { env })).code).toBe(0)

    const run = await runCli(["once", "--library", library, "--create-library"], { env })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain("test2 is refusing or unreachable; its jobs wait until")

    const status = JSON.parse((await runCli(["status", "--json"], { env })).stdout)
    const byUrl = new Map(status.jobs.map((job: { url: string }) => [job.url, job]))
    for (const url of others) expect(byUrl.get(url)).toMatchObject({ state: "done", attempts: 1 })
    // Two tries met 429 and wait for their retry; the third never ran.
    expect(limited.map((url) => byUrl.get(url))).toEqual([
      expect.objectContaining({ state: "waiting", attempts: 1, lastError: expect.stringContaining("429") }),
      expect.objectContaining({ state: "waiting", attempts: 1, lastError: expect.stringContaining("429") }),
      expect.objectContaining({ state: "queued", attempts: 0 })
    ])
    expect(status.sites).toContainEqual(expect.objectContaining({ site: "test2", paused: true, failures: 2 }))
    expect(status.sites).toContainEqual(expect.objectContaining({ site: "test1", paused: false, state: "ok" }))
    expect(listLibrary(library).map((book) => book.identifiers["url"]).sort()).toEqual([...others].sort())

    const text = (await runCli(["status"], { env })).stdout
    expect(text).toMatch(/test2 +paused until \S+ after 2 failures in a row/)

    // While paused, another pass leaves the site alone.
    const seen = requests
    const again = await runCli(["once"], { env })
    expect(again.code).toBe(0)
    expect(again.stdout).toContain("0 stories")
    expect(requests).toBe(seen)
  })
})
