import { afterAll, describe, expect, it, layer } from "@effect/vitest"
import { Duration, Effect, Fiber, FileSystem, Option, Result } from "effect"
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import { join } from "node:path"
import { FanFicFare } from "../../src/fanficfare/FanFicFare.ts"
import { parseStoryUrl, type StoryUrl } from "../../src/stories/StoryUrl.ts"
import { fanFicFareLayer, processesMentioning, writeForeignEpub, writeStoryIni } from "../support/fanficfare.ts"
import { scratchFolder } from "../support/scratch.ts"

// The FanFicFare service against the real CLI and its offline test sites (no network).

const scratch = scratchFolder("automated-fanfic-fff-")
const url = (text: string): StoryUrl => Result.getOrThrow(parseStoryUrl(text))
const workDir = (name: string) => mkdtempSync(join(scratch, `${name}-`))

layer(fanFicFareLayer())("FanFicFare with the offline test site", (it) => {
  it.effect("downloads a new story and reads its metadata", () =>
    Effect.gen(function* () {
      const fff = yield* FanFicFare
      const result = yield* fff.fetch(workDir("new"), { _tag: "New", url: url("http://test1.com?sid=1") })
      expect(result.outcome).toEqual({ _tag: "Written" })
      expect(existsSync(result.epub)).toBe(true)
      expect(Option.getOrThrow(result.metadata)).toMatchObject({ title: "Test Story Title 1", numChapters: 9, storyUrl: "http://test1.com?sid=1" })
    }))

  it.effect("an update of a copied EPUB with nothing new is NothingNew, not a date skip or a re-download", () =>
    Effect.gen(function* () {
      const fff = yield* FanFicFare
      const first = yield* fff.fetch(workDir("copy"), { _tag: "New", url: url("http://test1.com?sid=3") })
      // A copy gets a fresh mtime, which is what tripped AutomatedFanfic into "Skipping".
      const copy = join(workDir("copy2"), "3.epub")
      copyFileSync(first.epub, copy)
      const result = yield* fff.fetch(join(copy, ".."), { _tag: "Update", epub: copy, method: "update" })
      expect(result.outcome).toEqual({ _tag: "NothingNew", chapters: 9 })
    }))

  it.effect.each([
    ["666", "StoryNotFound"],
    ["665", "AdultCheckRequired"],
    ["668", "LoginRequired"],
    ["675", "LoginRequired"],
    ["667", "ChapterDownloadFailed"]
  ])("sid %s is %s", ([sid, expected]) =>
    Effect.gen(function* () {
      const fff = yield* FanFicFare
      const result = yield* fff.fetch(workDir(`sid${sid}`), { _tag: "New", url: url(`http://test1.com?sid=${sid}`) })
      expect(result.outcome._tag).toBe(expected)
    }))

  it.effect("an unsupported site and a bad test1 URL are told apart", () =>
    Effect.gen(function* () {
      const fff = yield* FanFicFare
      expect((yield* fff.fetch(workDir("site"), { _tag: "New", url: url("https://www.example.com/story/1") })).outcome._tag).toBe("UnsupportedSite")
      expect((yield* fff.fetch(workDir("bad"), { _tag: "New", url: url("http://test1.com/story/abc") })).outcome._tag).toBe("BadUrl")
    }))

  it.effect("a missing, an empty and a foreign EPUB are UnreadableEpub or UnsupportedSite, never a download", () =>
    Effect.gen(function* () {
      const fff = yield* FanFicFare
      const dir = workDir("badepub")
      const missing = yield* fff.fetch(dir, { _tag: "Update", epub: join(dir, "missing.epub"), method: "update" })
      expect(missing.outcome).toEqual({ _tag: "UnreadableEpub", detail: "the EPUB to update is missing" })
      writeFileSync(join(dir, "empty.epub"), "")
      const empty = yield* fff.fetch(dir, { _tag: "Update", epub: join(dir, "empty.epub"), method: "update" })
      expect(empty.outcome).toEqual({ _tag: "UnreadableEpub", detail: "the EPUB to update is empty (0 bytes)" })
      writeForeignEpub(join(dir, "foreign.epub"))
      const foreign = yield* fff.fetch(dir, { _tag: "Update", epub: join(dir, "foreign.epub"), method: "update" })
      expect(["UnreadableEpub", "UnsupportedSite"]).toContain(foreign.outcome._tag)
    }))
})

describe("updates driven by ini-defined stories", () => {
  const dir = workDir("ini")
  const twoChapters = writeStoryIni(dir, "two.ini", { "2000": ["chaptertitles:Prologue,Chapter 1"] })
  const fourChapters = writeStoryIni(dir, "four.ini", { "2000": ["chaptertitles:Prologue,Chapter 1,Chapter 2,Chapter 3"] })
  const epub = join(dir, "story.epub")

  it.effect("a source that gained chapters is Updated with both counts", () =>
    Effect.gen(function* () {
      const first = yield* Effect.gen(function* () {
        return yield* (yield* FanFicFare).fetch(dir, { _tag: "New", url: url("http://test1.com?sid=2000") })
      }).pipe(Effect.provide(fanFicFareLayer(`[calibre]\npersonal_ini = "${twoChapters}"\n`)))
      expect(first.outcome._tag).toBe("Written")
      const updated = yield* Effect.gen(function* () {
        return yield* (yield* FanFicFare).fetch(dir, { _tag: "Update", epub, method: "update" })
      }).pipe(Effect.provide(fanFicFareLayer(`[calibre]\npersonal_ini = "${fourChapters}"\n`)))
      expect(updated.outcome).toEqual({ _tag: "Updated", chaptersBefore: 2, chaptersAfter: 4 })
    }))

  it.effect("a local copy longer than the source is kept", () =>
    Effect.gen(function* () {
      const result = yield* Effect.gen(function* () {
        return yield* (yield* FanFicFare).fetch(dir, { _tag: "Update", epub, method: "update_no_force" })
      }).pipe(Effect.provide(fanFicFareLayer(`[calibre]\npersonal_ini = "${twoChapters}"\n`)))
      expect(result.outcome).toEqual({ _tag: "SourceHasFewerChapters", local: 4, source: 2 })
    }))
})

describe("failures that still write or never connect", () => {
  it.effect("chapters failing under continue_on_chapter_error give a PartialBook", () =>
    Effect.gen(function* () {
      const dir = workDir("partial")
      const ini = join(dir, "partial.ini")
      writeFileSync(ini, "[test1.com]\ncontinue_on_chapter_error:true\n")
      const result = yield* Effect.gen(function* () {
        return yield* (yield* FanFicFare).fetch(dir, { _tag: "New", url: url("http://test1.com?sid=667") })
      }).pipe(Effect.provide(fanFicFareLayer(`[calibre]\npersonal_ini = "${ini}"\n`)))
      expect(result.outcome).toEqual({ _tag: "PartialBook", failedChapters: 3 })
    }))

  it.effect("a chapter on a closed port is a ConnectionFailure", () =>
    Effect.gen(function* () {
      const dir = workDir("refused")
      const ini = writeStoryIni(dir, "refused.ini", { "3002": ["chapter_urls:http://127.0.0.1:9/closed#p1,Chapter One"] })
      const result = yield* Effect.gen(function* () {
        return yield* (yield* FanFicFare).fetch(dir, { _tag: "New", url: url("http://test1.com?sid=3002") })
      }).pipe(Effect.provide(fanFicFareLayer(`[calibre]\npersonal_ini = "${ini}"\n`)))
      expect(result.outcome._tag).toBe("ConnectionFailure")
    }), 120_000)
})

describe("HTTP errors from a local server through chapter_urls", () => {
  let server: Server | undefined
  afterAll(() => server?.close())
  const statusFor: Record<string, number> = { "/forbidden": 403, "/too-many": 429, "/unavailable": 503 }

  it.effect.each([
    ["/forbidden", 403],
    ["/too-many", 429],
    ["/unavailable", 503]
  ])("a chapter answering %s is HttpError %s", ([path, status]) =>
    Effect.gen(function* () {
      server ??= yield* Effect.promise(() =>
        new Promise<Server>((resolve) => {
          const created = createServer((request, response) => {
            response.writeHead(statusFor[request.url?.split("#")[0] ?? ""] ?? 404, { "retry-after": "0" })
            response.end("no")
          })
          created.listen(0, "127.0.0.1", () => resolve(created))
        })
      )
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      const dir = workDir("http")
      const ini = writeStoryIni(dir, "http.ini", { "3001": [`chapter_urls:http://127.0.0.1:${port}${path}#p1,Chapter One`] })
      const result = yield* Effect.gen(function* () {
        return yield* (yield* FanFicFare).fetch(dir, { _tag: "New", url: url("http://test1.com?sid=3001") })
      }).pipe(Effect.provide(fanFicFareLayer(`[calibre]\npersonal_ini = "${ini}"\n`)))
      expect(result.outcome).toMatchObject({ _tag: "HttpError", status })
    }), 120_000)
})

describe("time limits and interruption", () => {
  // test4.com?sid=N has N chapters; slow_down_sleep_time makes each take about a second.
  const slowIni = (dir: string) => {
    const path = join(dir, "slow.ini")
    writeFileSync(path, "[test4.com]\nslow_down_sleep_time:1\n")
    return path
  }

  it.live("a run past timeout_seconds is TimedOut and leaves no FanFicFare process", () =>
    Effect.gen(function* () {
      const dir = workDir("timeout")
      const result = yield* Effect.gen(function* () {
        return yield* (yield* FanFicFare).fetch(dir, { _tag: "New", url: url("http://test4.com?sid=61") })
      }).pipe(Effect.provide(fanFicFareLayer(`[calibre]\npersonal_ini = "${slowIni(dir)}"\n[fanficfare]\ntimeout_seconds = 10\n`)))
      expect(result.outcome).toEqual({ _tag: "TimedOut", seconds: 10 })
      expect(processesMentioning("test4.com?sid=61")).toEqual([])
    }), 60_000)

  it.live("interrupting a job kills FanFicFare and removes its work directory", () =>
    Effect.gen(function* () {
      const dir = workDir("interrupt")
      const ini = slowIni(dir)
      let jail = ""
      const job = Effect.gen(function* () {
        const fs = yield* FileSystem.FileSystem
        jail = yield* fs.makeTempDirectoryScoped({ directory: dir, prefix: "job-" })
        return yield* (yield* FanFicFare).fetch(jail, { _tag: "New", url: url("http://test4.com?sid=62") })
      }).pipe(Effect.scoped, Effect.provide(fanFicFareLayer(`[calibre]\npersonal_ini = "${ini}"\n`)))
      const fiber = yield* Effect.forkChild(job)
      yield* Effect.sleep(Duration.seconds(4))
      expect(processesMentioning("test4.com?sid=62").length).toBeGreaterThan(0)
      yield* Fiber.interrupt(fiber)
      expect(processesMentioning("test4.com?sid=62")).toEqual([])
      expect(jail).not.toBe("")
      expect(existsSync(jail)).toBe(false)
    }), 60_000)
})
