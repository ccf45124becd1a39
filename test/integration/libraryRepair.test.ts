import { beforeAll, describe, expect, it } from "@effect/vitest"
import { existsSync, mkdirSync } from "node:fs"
import { join } from "node:path"
import { runCli } from "../support/cli.ts"
import { calibredbWhenFree, listLibrary, requireRealComponents } from "../support/components.ts"
import { scratchFolder } from "../support/scratch.ts"

// What a calibredb write killed part-way leaves in the library, and how the story's next job
// puts it right instead of failing for good or churning records.

const scratch = scratchFolder("automated-fanfic-repair-")
const temp = join(scratch, "tmp")

const calibredb = (library: string, command: string, ...args: ReadonlyArray<string>) => calibredbWhenFree([command, "--with-library", library, ...args])

const env = (library: string) => ({ FFDL_DATA__DIR: `${library}-data`, FFDL_CALIBRE__PATH: library, TMPDIR: temp })

const tagsOf = (library: string, id: number): ReadonlyArray<string> =>
  JSON.parse(calibredb(library, "list", "--for-machine", "--fields", "tags", "-s", `id:${id}`))[0]?.tags ?? []

beforeAll(() => {
  requireRealComponents()
  mkdirSync(temp, { recursive: true })
})

describe("a record with the story's URL but no EPUB", () => {
  it("gets the story's file on the next job, keeping its id and fields", async () => {
    const library = join(scratch, "no-epub")
    calibredb(library, "add", "--empty", "--title", "Test Story Title 1", "--authors", "Test Author aa", "--identifier", "url:http://test1.com?sid=1")
    calibredb(library, "set_metadata", "-f", "tags:mine", "1")
    expect((await runCli(["add", "http://test1.com?sid=1"], { env: env(library) })).code).toBe(0)
    const run = await runCli(["once"], { env: env(library) })
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0)
    expect(run.stderr).toContain("book 1 has the URL http://test1.com?sid=1 but no EPUB")
    const books = listLibrary(library)
    expect(books.map((book) => [book.id, book.identifiers["url"]])).toEqual([[1, "http://test1.com?sid=1"]])
    expect(books[0]?.formats?.filter((path) => path.endsWith(".epub") && existsSync(path))).toHaveLength(1)
    expect(tagsOf(library, 1)).toContain("mine")
  })
})

describe("two records with one story's URL (a re-adding write killed between its add and remove)", () => {
  it("become one on the next job: the newest with an EPUB, with the other's user fields", async () => {
    const library = join(scratch, "two-records")
    const url = "http://test2.com?sid=2"
    expect((await runCli(["once", "--url", url, "--library", library, "--create-library"], { env: env(library) })).code).toBe(0)
    const exported = join(scratch, "exported")
    calibredb(library, "export", "--dont-save-cover", "--dont-write-opf", "--single-dir", "--to-dir", exported, "--template", "{id}", "--formats", "epub", "1")
    calibredb(library, "set_metadata", "-f", "tags:favourite", "1")
    calibredb(library, "add", "--duplicates", "--", join(exported, "1.epub"))
    expect(listLibrary(library).map((book) => book.identifiers["url"])).toEqual([url, url])

    // preserve_metadata, so the update after the repair keeps what the repair carried over.
    const preserving = { ...env(library), FFDL_CALIBRE__METADATA_PRESERVATION_MODE: "preserve_metadata" }
    expect((await runCli(["add", "--force", url], { env: preserving })).code).toBe(0)
    const run = await runCli(["once"], { env: preserving })
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0)
    expect(run.stderr).toContain(`books 2, 1 all had the URL ${url}`)
    const books = listLibrary(library)
    expect(books.map((book) => book.identifiers["url"])).toEqual([url])
    expect(books[0]?.formats?.filter((path) => path.endsWith(".epub") && existsSync(path))).toHaveLength(1)
    expect(tagsOf(library, books[0]?.id ?? 0)).toContain("favourite")
  })
})
