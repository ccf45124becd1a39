import { Effect, Option } from "effect"
import type { MetadataPreservationMode } from "../config/ConfigSchema.ts"
import { hasEpub, type LibraryBook } from "./calibredbOutput.ts"
import { CalibreFailed } from "./CalibreErrors.ts"
import { lostUserFields, restoreArguments, type UserRecord } from "./userFields.ts"

// How an updated EPUB goes back into the library, per metadata_preservation_mode. Each mode
// adds before it removes, and every write is read back: a mismatch is a failure, never success.

export interface LibraryOperations<E> {
  /**
   * Every record that carries the URL: one, unless a write was killed between its add and remove.
   * Also, in the same read, the empty records of `emptyTitled` (no file, no identifiers) a killed
   * add left, and the record `withBook`, whatever it carries.
   */
  booksWithUrl(url: string, also?: { readonly emptyTitled?: string; readonly withBook?: number }): Effect.Effect<ReadonlyArray<LibraryBook>, E>
  /** The record with this id, if the library has it. */
  readBook(bookId: number): Effect.Effect<Option.Option<LibraryBook>, E>
  /** Adds the EPUB as a new record (`duplicate`: even when a book of that title exists) and returns its id. */
  addBook(epub: string, options: { readonly duplicate: boolean }): Effect.Effect<number, E>
  /** Puts the EPUB into the record in place of its current one, every field kept. */
  replaceEpub(bookId: number, epub: string): Effect.Effect<void, E>
  /** Deletes the record and its files for good. */
  removeBook(bookId: number): Effect.Effect<void, E>
  /** The labels of the library's custom columns. */
  customColumns: Effect.Effect<ReadonlyArray<string>, E>
  /** The fields a user may have set on the record (tags, rating, series, these custom columns…), to carry over. */
  readUserRecord(bookId: number, customColumns: ReadonlyArray<string>): Effect.Effect<UserRecord, E>
  /** Sets fields on the record, given as `set_metadata --field` arguments. */
  setFields(bookId: number, args: ReadonlyArray<string>): Effect.Effect<void, E>
  /** Notes which FanFicFare version wrote the book, where the library has a column for it. */
  recordProducer(bookId: number, fanFicFareVersion: string): Effect.Effect<void, E>
}

const verifyFailed = (detail: string) => new CalibreFailed({ operation: "verify", exitCode: 0, detail })

const isEmptyRecord = (book: LibraryBook) => Object.keys(book.identifiers).length === 0 && (book.formats ?? []).length === 0

// Records a killed add left with a title and nothing else: nothing of the user's is in them.
export const removeEmptyRecords = <E>(removeBook: (bookId: number) => Effect.Effect<void, E>, shells: ReadonlyArray<LibraryBook>) =>
  Effect.forEach(shells, (shell) =>
    Effect.andThen(
      Effect.logWarning(`removing book ${shell.id} "${shell.title}": an empty record (no file, no identifiers) that an interrupted add left`),
      removeBook(shell.id)
    ), { discard: true })

// Calibre stores "," in identifier values as "|" and matches them without regard to case.
const sameUrl = (stored: string | undefined, url: string) =>
  stored !== undefined && stored.toLowerCase() === url.replaceAll(",", "|").toLowerCase()

// A freshly added record must carry the story's URL and an EPUB before anything else is
// removed: calibredb adds a corrupt file as "Unknown" and exits 0.
const checkAdded = <E>(library: LibraryOperations<E>, url: string, added: LibraryBook | undefined, bookId: number) =>
  Effect.gen(function* () {
    if (added === undefined) return yield* verifyFailed(`book ${bookId} is not in the library after it was added`)
    if (!sameUrl(added.identifiers["url"], url) || !hasEpub(added)) {
      yield* library.removeBook(bookId)
      return yield* verifyFailed(`the added book has no EPUB with the URL ${url} (calibre could not read the file?); it was removed again`)
    }
  })

const verifyAdded = <E>(library: LibraryOperations<E>, url: string, bookId: number) =>
  Effect.flatMap(library.readBook(bookId), (added) => checkAdded(library, url, Option.getOrUndefined(added), bookId))

interface Expected {
  /** The record before the write: the book must differ from it. */
  readonly before?: LibraryBook
  /** A re-adding write's old title, whose empty records a killed add left. */
  readonly emptyTitled?: string
  /** The book was just added: it is checked as an added record first, in the same read. */
  readonly justAdded?: boolean
}

// The book the URL leads to must be the expected one and the only one, hold an EPUB, and (when
// given) differ from the record before the write. A re-adding write also clears the empty
// records of the story's title that an earlier add killed part-way left: `add --duplicates`
// never meets them, so nothing else would. One read returns everything these checks need.
const verifyBook = <E>(library: LibraryOperations<E>, url: string, bookId: number, expected: Expected = {}) =>
  Effect.gen(function* () {
    const listed = yield* library.booksWithUrl(url, {
      ...(expected.emptyTitled === undefined ? {} : { emptyTitled: expected.emptyTitled }),
      ...(expected.justAdded === true ? { withBook: bookId } : {})
    })
    if (expected.justAdded === true) yield* checkAdded(library, url, listed.find((book) => book.id === bookId), bookId)
    yield* removeEmptyRecords(library.removeBook, listed.filter(isEmptyRecord))
    const found = listed.filter((book) => !isEmptyRecord(book))
    const book = found[0]
    if (book === undefined) return yield* verifyFailed(`no book has the URL identifier ${url} after the write`)
    if (found.length > 1) return yield* verifyFailed(`books ${found.map((each) => each.id).join(", ")} all have the URL ${url} after the write; the next try keeps one`)
    if (book.id !== bookId) return yield* verifyFailed(`the URL ${url} leads to book ${book.id}, expected ${bookId}`)
    if (!hasEpub(book)) return yield* verifyFailed(`book ${bookId} has no EPUB after the write`)
    const before = expected.before
    if (before !== undefined && book.last_modified === before.last_modified && book.size === before.size) {
      return yield* verifyFailed(`book ${bookId} did not change: calibredb reported success but kept the old file`)
    }
    return book
  })

export const writeNewBook = <E>(library: LibraryOperations<E>, url: string, epub: string, producedBy: string) =>
  Effect.gen(function* () {
    const bookId = yield* library.addBook(epub, { duplicate: false })
    yield* library.recordProducer(bookId, producedBy)
    yield* verifyBook(library, url, bookId, { justAdded: true })
    return bookId
  })

export const writeUpdatedBook = <E>(
  library: LibraryOperations<E>,
  mode: MetadataPreservationMode,
  url: string,
  existing: LibraryBook,
  epub: string,
  producedBy: string
) =>
  Effect.gen(function* () {
    if (mode === "add_format") {
      yield* library.replaceEpub(existing.id, epub)
      yield* library.recordProducer(existing.id, producedBy)
      yield* verifyBook(library, url, existing.id, { before: existing })
      return existing.id
    }
    const columns = mode === "preserve_metadata" ? yield* library.customColumns : []
    const saved = mode === "preserve_metadata" ? Option.some(yield* library.readUserRecord(existing.id, columns)) : Option.none()
    // The old record stays until the new one is in and checked, so a failed add loses nothing.
    const newId = yield* library.addBook(epub, { duplicate: true })
    yield* verifyAdded(library, url, newId)
    if (Option.isSome(saved)) {
      const added = yield* library.readUserRecord(newId, columns)
      const args = restoreArguments(saved.value, added, columns)
      if (args.length > 0) yield* library.setFields(newId, args)
      const lost = lostUserFields(saved.value, yield* library.readUserRecord(newId, columns), columns)
      if (lost.length > 0) {
        yield* library.removeBook(newId)
        return yield* verifyFailed(`could not carry over ${lost.join(", ")}; kept the old book ${existing.id}`)
      }
    }
    yield* library.recordProducer(newId, producedBy)
    yield* library.removeBook(existing.id)
    yield* verifyBook(library, url, newId, { emptyTitled: existing.title })
    return newId
  })
