import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { Calibre } from "../../src/calibre/Calibre.ts"
import type { MetadataPreservationMode } from "../../src/config/ConfigSchema.ts"
import { bookIds, calibredb, calibreLayer, makeEpub, newLibrary, record, type RunningServer, startContentServer } from "../support/calibreLibrary.ts"
import { requireRealComponents } from "../support/components.ts"
import { writeStoryIni } from "../support/fanficfare.ts"
import { scratchFolder } from "../support/scratch.ts"

// The Calibre service against real calibredb and calibre-server on temporary libraries.

const scratch = scratchFolder("automated-fanfic-calibre-")
const epubs = join(scratch, "epubs")
let twoChapters = ""
let fourChapters = ""
let sid123 = ""
let sid1234 = ""

beforeAll(() => {
  requireRealComponents()
  sid123 = makeEpub(epubs, "123.epub", "http://test1.com?sid=123")
  sid1234 = makeEpub(epubs, "1234.epub", "http://test1.com?sid=1234")
  twoChapters = makeEpub(epubs, "2000-2.epub", "http://test1.com?sid=2000", writeStoryIni(epubs, "two.ini", { "2000": ["chaptertitles:Prologue,Chapter 1"] }))
  fourChapters = makeEpub(epubs, "2000-4.epub", "http://test1.com?sid=2000", writeStoryIni(epubs, "four.ini", { "2000": ["chaptertitles:Prologue,Chapter 1,Chapter 2,Chapter 3"] }))
}, 120_000)

const withCalibre = <A, E>(toml: string, use: (calibre: Calibre["Service"]) => Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    return yield* use(yield* Calibre)
  }).pipe(Effect.provide(calibreLayer(toml)))

describe("finding a book by its story URL", () => {
  const library = join(scratch, "find")

  beforeAll(() => {
    newLibrary(library)
    calibredb("add", "--with-library", library, sid123, sid1234)
    const odd = ["https://x.org/w?a=1,b=\"q\"\\z", "https://example.com/wiki/A_(b"]
    for (const url of odd) calibredb("add", "--with-library", library, "--duplicates", "-I", `url:${url}`, sid123)
  })

  it.effect("matches the exact URL, not one it is a prefix of", () =>
    withCalibre(`[calibre]\npath = "${library}"\n`, (calibre) =>
      Effect.gen(function* () {
        const found = yield* calibre.findByUrl("http://test1.com?sid=123")
        expect(Option.map(found, (book) => book.identifiers["url"])).toEqual(Option.some("http://test1.com?sid=123"))
        expect(Option.getOrThrow(found)).toMatchObject({ title: "Test Story Title 123", authors: "Test Author aa" })
        expect(Option.getOrThrow(found).formats?.[0]).toMatch(/\.epub$/)
        const longer = yield* calibre.findByUrl("http://test1.com?sid=1234")
        expect(Option.getOrThrow(longer).id).not.toBe(Option.getOrThrow(found).id)
      })))

  it.effect("finds URLs holding , \" \\ ? = and an unbalanced parenthesis", () =>
    withCalibre(`[calibre]\npath = "${library}"\n`, (calibre) =>
      Effect.gen(function* () {
        expect(Option.isSome(yield* calibre.findByUrl("https://x.org/w?a=1,b=\"q\"\\z"))).toBe(true)
        expect(Option.isSome(yield* calibre.findByUrl("https://example.com/wiki/A_(b"))).toBe(true)
      })))

  it.effect("no match is none, not an error", () =>
    withCalibre(`[calibre]\npath = "${library}"\n`, (calibre) =>
      Effect.gen(function* () {
        expect(yield* calibre.findByUrl("http://test1.com?sid=12")).toEqual(Option.none())
      })))
})

describe("write modes on a book with tags, a rating and two custom columns", () => {
  const url = "http://test1.com?sid=2000"
  const prepare = (mode: MetadataPreservationMode, variant = "") => {
    const library = newLibrary(join(scratch, `mode-${mode}${variant}`))
    calibredb("add", "--with-library", library, twoChapters)
    calibredb("set_metadata", "--with-library", library, "-f", "tags:mine,favourite", "-f", "rating:4", "-f", "#readstatus:Reading", "-f", "#ships:A/B,C/D", "1")
    return library
  }

  it.effect("add_format replaces the EPUB in place, keeps every field, and notes the FanFicFare version", () => {
    const library = prepare("add_format")
    calibredb("add_custom_column", "--with-library", library, "fanficfare_version", "FanFicFare", "text")
    const before = record(library, 1)
    return withCalibre(`[calibre]\npath = "${library}"\nmetadata_preservation_mode = "add_format"\n`, (calibre) =>
      Effect.gen(function* () {
        const existing = Option.getOrThrow(yield* calibre.findByUrl(url))
        const id = yield* calibre.updateStory(url, existing, fourChapters, "4.62.0")
        expect(id).toBe(1)
        const after = record(library, 1)
        expect(after).toMatchObject({ tags: expect.arrayContaining(["mine", "favourite"]), rating: 8, "*readstatus": "Reading", "*ships": ["A/B", "C/D"], timestamp: before?.["timestamp"] })
        expect(after?.["size"]).not.toBe(before?.["size"])
        expect(JSON.parse(calibredb("list", "--with-library", library, "--for-machine", "--fields", "*fanficfare_version"))[0]["*fanficfare_version"]).toBe("4.62.0")
      }))
  })

  it.effect("preserve_metadata re-adds the book and restores custom columns, rating, tags and date added", () => {
    const library = prepare("preserve_metadata")
    const before = record(library, 1)
    return withCalibre(`[calibre]\npath = "${library}"\nmetadata_preservation_mode = "preserve_metadata"\n`, (calibre) =>
      Effect.gen(function* () {
        const existing = Option.getOrThrow(yield* calibre.findByUrl(url))
        const id = yield* calibre.updateStory(url, existing, fourChapters, "4.62.0")
        expect(id).not.toBe(1)
        expect(bookIds(library)).toEqual([id])
        expect(record(library, id)).toMatchObject({
          tags: expect.arrayContaining(["mine", "favourite"]), rating: 8, "*readstatus": "Reading", "*ships": ["A/B", "C/D"],
          timestamp: before?.["timestamp"], identifiers: { url }
        })
      }))
  })

  it.effect("remove_add adds the new book before it removes the old one, and says custom columns go", () => {
    const library = prepare("remove_add")
    return withCalibre(`[calibre]\npath = "${library}"\n`, (calibre) =>
      Effect.gen(function* () {
        const existing = Option.getOrThrow(yield* calibre.findByUrl(url))
        const id = yield* calibre.updateStory(url, existing, fourChapters, "4.62.0")
        expect(bookIds(library)).toEqual([id])
        expect(record(library, id)?.["*readstatus"]).toBeUndefined()
      }))
  })

  it.effect("remove_add never leaves the library without the book when the add fails", () => {
    const library = prepare("remove_add", "-failing")
    const notAnEpub = join(scratch, "broken.epub")
    writeFileSync(notAnEpub, "this is not a zip file")
    return withCalibre(`[calibre]\npath = "${library}"\n`, (calibre) =>
      Effect.gen(function* () {
        const existing = Option.getOrThrow(yield* calibre.findByUrl(url))
        const missing = yield* Effect.flip(calibre.updateStory(url, existing, join(scratch, "no-such.epub"), "4.62.0"))
        expect(missing._tag).toBe("CalibreFailed")
        const corrupt = yield* Effect.flip(calibre.updateStory(url, existing, notAnEpub, "4.62.0"))
        expect(corrupt.message).toContain("no EPUB with the URL")
        expect(bookIds(library)).toEqual([1])
        expect(record(library, 1)?.["*readstatus"]).toBe("Reading")
      }))
  })
})

describe("exit-0-but-failed calibredb answers are failures", () => {
  const library = join(scratch, "exit0")
  beforeAll(() => newLibrary(library))

  it.effect("adding a missing file and exporting a missing id fail", () =>
    withCalibre(`[calibre]\npath = "${library}"\n`, (calibre) =>
      Effect.gen(function* () {
        expect((yield* Effect.flip(calibre.addStory("http://test1.com?sid=1", join(scratch, "absent.epub"), "4.62.0")))._tag).toBe("CalibreFailed")
        expect((yield* Effect.flip(calibre.exportEpub(999, join(scratch, "out"))))._tag).toBe("CalibreFailed")
      })))
})

describe("a library held by calibre-server", () => {
  const library = join(scratch, "served")
  let server: RunningServer | undefined

  beforeAll(async () => {
    newLibrary(library)
    calibredb("add", "--with-library", library, sid123)
    server = await startContentServer(library, join(scratch, "users.sqlite"))
  }, 60_000)
  afterAll(() => server?.stop())

  it.effect("local calls fail as CalibreBusy, with the advice to use the server", () =>
    withCalibre(`[calibre]\npath = "${library}"\n`, (calibre) =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(calibre.findByUrl("http://test1.com?sid=123"))
        expect(error._tag).toBe("CalibreBusy")
        expect(error.message).toContain("content server")
      })))

  it.effect("through the server with the right password, finding and adding work", () =>
    withCalibre(`[calibre]\npath = "${server?.url}"\nusername = "writer"\npassword = "writer-pass"\n`, (calibre) =>
      Effect.gen(function* () {
        expect(Option.isSome(yield* calibre.findByUrl("http://test1.com?sid=123"))).toBe(true)
        const id = yield* calibre.addStory("http://test1.com?sid=1234", sid1234, "4.62.0")
        expect(id).toBeGreaterThan(1)
      })))

  it.effect("with library_access = \"calibredb\", one calibredb process per call reaches the server too", () =>
    withCalibre(`[calibre]\npath = "${server?.url}"\nusername = "writer"\npassword = "writer-pass"\nlibrary_access = "calibredb"\n`, (calibre) =>
      Effect.gen(function* () {
        expect(Option.isSome(yield* calibre.findByUrl("http://test1.com?sid=123"))).toBe(true)
        const error = yield* Effect.flip(calibre.exportEpub(999, join(scratch, "out-calibredb")))
        expect(error._tag).toBe("CalibreFailed")
      })))

  it.effect("a wrong password fails clearly and the password appears nowhere", () =>
    withCalibre(`[calibre]\npath = "${server?.url}"\nusername = "writer"\npassword = "not-the-pass-7731"\n`, (calibre) =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(calibre.findByUrl("http://test1.com?sid=123"))
        expect(error.message).toContain("username/password combination is incorrect")
        expect(JSON.stringify(error) + error.message).not.toContain("not-the-pass-7731")
      })))

  it.effect("a read-only user can find but not write", () =>
    withCalibre(`[calibre]\npath = "${server?.url}"\nusername = "reader"\npassword = "reader-pass"\n`, (calibre) =>
      Effect.gen(function* () {
        expect(Option.isSome(yield* calibre.findByUrl("http://test1.com?sid=123"))).toBe(true)
        const error = yield* Effect.flip(calibre.addStory("http://test1.com?sid=2000", twoChapters, "4.62.0"))
        expect(error.message).toContain("Forbidden")
      })))
})
