// calibredb calls and wall time for one story update in each metadata_preservation_mode on a
// 1,000-book library: find by URL, export, then write and verify, as the pipeline does.
//   node_modules/.bin/node bench/calibre-update.ts
// Calls are counted by a calibredb wrapper put first on PATH; the books are real calibredb.
import { execFileSync } from "node:child_process"
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Option } from "effect"
import { Calibre } from "../src/calibre/Calibre.ts"
import type { MetadataPreservationMode } from "../src/config/ConfigSchema.ts"
import { calibredb, calibreLayer, makeEpub, newLibrary } from "../test/support/calibreLibrary.ts"
import { writeStoryIni } from "../test/support/fanficfare.ts"

const work = mkdtempSync(join(tmpdir(), "bench-calibre-"))
const base = newLibrary(join(work, "base"))
execFileSync("calibre-debug", ["-c", `
from calibre.library import db
from calibre.ebooks.metadata.book.base import Metadata
api = db(${JSON.stringify(base)}).new_api
for i in range(999):
    mi = Metadata('Filler story %d' % i, ['Author %d' % (i % 37)])
    mi.set_identifiers({'url': 'https://archiveofourown.org/works/%d' % (100000 + i)})
    api.create_book_entry(mi)
`], { stdio: "ignore" })

const epubs = join(work, "epubs")
mkdirSync(epubs)
const url = "http://test1.com?sid=2000"
const before = makeEpub(epubs, "two.epub", url, writeStoryIni(epubs, "two.ini", { "2000": ["chaptertitles:Prologue,Chapter 1"] }))
const three = makeEpub(epubs, "three.epub", url, writeStoryIni(epubs, "three.ini", { "2000": ["chaptertitles:Prologue,Chapter 1,Chapter 2"] }))
const four = makeEpub(epubs, "four.epub", url, writeStoryIni(epubs, "four.ini", { "2000": ["chaptertitles:Prologue,Chapter 1,Chapter 2,Chapter 3"] }))

const shim = join(work, "bin")
const callLog = join(work, "calls.log")
mkdirSync(shim)
writeFileSync(join(shim, "calibredb"), `#!/bin/sh\necho "$1" >> ${callLog}\nexec /usr/bin/calibredb "$@"\n`)
chmodSync(join(shim, "calibredb"), 0o755)
process.env["PATH"] = `${shim}:${process.env["PATH"]}`

const results: Array<Record<string, unknown>> = []
for (const mode of ["add_format", "preserve_metadata", "remove_add"] satisfies ReadonlyArray<MetadataPreservationMode>) {
  const library = join(work, mode)
  cpSync(base, library, { recursive: true })
  calibredb("add", "--with-library", library, before)
  calibredb("set_metadata", "--with-library", library, "-f", "#readstatus:Reading", "-f", "rating:4", "1000")
  // Two updates in one process: the first also looks up the library's custom columns once.
  const update = (next: string) =>
    Effect.gen(function* () {
      const calibre = yield* Calibre
      writeFileSync(callLog, "")
      const jail = mkdtempSync(join(work, "jail-"))
      const started = performance.now()
      const existing = Option.getOrThrow(yield* calibre.findByUrl(url))
      const exported = yield* calibre.exportEpub(existing.id, jail)
      cpSync(next, exported)
      yield* calibre.updateStory(url, existing, exported, "bench")
      const calls = readFileSync(callLog, "utf8").trim().split("\n")
      return { calibredbCalls: calls.length, calls: calls.join(" "), wallSeconds: Number(((performance.now() - started) / 1000).toFixed(2)) }
    })
  const [first, second] = await Effect.runPromise(
    Effect.all([update(three), update(four)]).pipe(
      Effect.provide(calibreLayer(`[calibre]\npath = "${library}"\nmetadata_preservation_mode = "${mode}"\n`))
    )
  )
  results.push({ mode, books: 1000, firstUpdate: first, laterUpdate: second })
}
for (const result of results) console.log(JSON.stringify(result))
