import { Effect, Option } from "effect"
import { hasEpub, type LibraryBook } from "./calibredbOutput.ts"
import { restoreArguments } from "./userFields.ts"
import type { LibraryOperations } from "./writeModes.ts"

// A story has one record. Several records carry its URL only when a re-adding write was killed
// between its add and its remove; left alone, every later try would add a third record, remove
// one and find the URL leading to the wrong book. So the story's record is settled first: keep the
// newest that has an EPUB (the one the interrupted write added), carry over the user's fields
// from the others as preserve_metadata does, remove the others, and say which.

const newestFirst = (books: ReadonlyArray<LibraryBook>) => [...books].sort((a, b) => b.id - a.id)

const keeperOf = (books: ReadonlyArray<LibraryBook>): LibraryBook | undefined => {
  const ordered = newestFirst(books)
  return ordered.find(hasEpub) ?? ordered[0]
}

export const storyRecord = <E>(library: LibraryOperations<E>, url: string) =>
  Effect.gen(function* () {
    const books = yield* library.booksWithUrl(url)
    const keep = keeperOf(books)
    if (keep === undefined || books.length === 1) return Option.fromNullishOr(keep)
    // Oldest last, so the user's original record has the final word on each field.
    const others = newestFirst(books).filter((book) => book.id !== keep.id)
    const columns = yield* library.customColumns
    for (const other of others) {
      const args = restoreArguments(yield* library.readUserRecord(other.id, columns), yield* library.readUserRecord(keep.id, columns), columns)
      if (args.length > 0) yield* library.setFields(keep.id, args)
    }
    for (const other of others) yield* library.removeBook(other.id)
    yield* Effect.logWarning(
      `books ${[keep, ...others].map((book) => book.id).join(", ")} all had the URL ${url} (a write killed part-way); ` +
        `kept book ${keep.id}${hasEpub(keep) ? ", the newest with an EPUB," : ""} with the others' user fields, removed ${others.map((book) => book.id).join(", ")}`
    )
    return yield* library.readBook(keep.id)
  })
