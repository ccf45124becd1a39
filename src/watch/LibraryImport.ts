import { Context, Effect, Layer, Predicate } from "effect"
import { Calibre, type CalibreError } from "../calibre/Calibre.ts"
import { AppConfig } from "../config/AppConfig.ts"
import type { SitesUnavailable } from "../sites/fanFicFareSites.ts"
import { Sites } from "../sites/Sites.ts"
import { CommandRunner } from "../process/CommandRunner.ts"
import { Store, type StoreError } from "../store/Store.ts"
import { type ChapterCountFailed, makeChapterCounter } from "./epubChapters.ts"
import { epubPathOf, importedStory } from "./libraryBooks.ts"

// Knows the library: every Calibre book with a url identifier FanFicFare supports becomes a
// story in the store, with its title, author, chapters and status, without downloading
// anything. Books the store already knows are left alone.

type ImportError = CalibreError | SitesUnavailable | StoreError | ChapterCountFailed

interface ImportSummary {
  /** Books with a url identifier. */
  readonly linked: number
  /** Of those, the books naming a story FanFicFare supports. */
  readonly stories: number
  /** Of those, the stories new to the store. */
  readonly added: number
}

export class LibraryImport extends Context.Service<LibraryImport, {
  /** Reads the library once and adds the stories the store does not know. */
  readonly run: Effect.Effect<ImportSummary, ImportError>
}>()("automated-fanfic/watch/LibraryImport") {
  static readonly layer = Layer.effect(
    LibraryImport,
    Effect.gen(function* () {
      const calibre = yield* Calibre
      const sites = yield* Sites
      const store = yield* Store
      const countChapters = yield* makeChapterCounter((yield* AppConfig).values)

      const run = Effect.gen(function* () {
        const books = yield* calibre.linkedBooks
        const verdicts = yield* sites.identify(books.map((book) => book.identifiers["url"] ?? ""))
        const known = new Set((yield* store.stories).map((story) => story.key))
        const fresh = books.flatMap((book, index) => {
          const verdict = verdicts[index]
          return verdict?._tag === "Story" ? [{ book, story: verdict.story }] : []
        })
        const unknown = fresh.filter(({ story }) => !known.has(story.key))
        // Only the EPUBs of books new to the store are opened.
        const paths = unknown.map(({ book }) => epubPathOf(book))
        const readable = paths.filter(Predicate.isNotUndefined)
        const counted = new Map<string, number | null>()
        const counts = yield* countChapters(readable)
        readable.forEach((path, index) => counted.set(path, counts[index] ?? null))
        const added = yield* store.importStories(unknown.map(({ book, story }, index) => {
          const path = paths[index]
          return importedStory(book, story, path === undefined ? null : counted.get(path) ?? null)
        }))
        return { linked: books.length, stories: fresh.length, added }
      }).pipe(Effect.withSpan("LibraryImport.run"))

      return LibraryImport.of({ run })
    })
  ).pipe(Layer.provide(CommandRunner.layer))
}
