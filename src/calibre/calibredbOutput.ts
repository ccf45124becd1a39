import { Option, Schema } from "effect"

// What calibredb prints, decoded at the boundary. Facts from the calibredb reference notes.

// Exact match on the url identifier. Calibre stores "," inside identifier values as "|", and
// inside a quoted search value "\" and "\"" must be escaped, in that order.
const quoted = (value: string) => value.replaceAll("\\", "\\\\").replaceAll("\"", "\\\"")

export const exactUrlQuery = (url: string): string => `identifiers:"=url:=${quoted(url.replaceAll(",", "|"))}"`

// An add killed part-way leaves a record with the title and nothing else: no file, no
// identifiers. It holds nothing of the user's, and it blocks the next add as a duplicate.
export const emptyRecordQuery = (title: string): string => `title:"=${quoted(title)}" and formats:false and identifiers:false`

// The titles `add` refused as duplicates: the indented lines after its explanation.
export const refusedDuplicates = (output: string): ReadonlyArray<string> => {
  const at = output.indexOf("already exist in the database")
  if (at < 0) return []
  return output.slice(at).split("\n").slice(1).filter((line) => /^\s+\S/.test(line)).map((line) => line.trim())
}

// What every listing of a book holds: its id, title, authors, identifiers and file paths.
const bookFields = {
  id: Schema.Int,
  title: Schema.String,
  authors: Schema.String,
  identifiers: Schema.Record(Schema.String, Schema.String),
  formats: Schema.optionalKey(Schema.Array(Schema.String))
}

export const LibraryBook = Schema.Struct({
  ...bookFields,
  last_modified: Schema.String,
  size: Schema.optionalKey(Schema.Number)
})
export type LibraryBook = typeof LibraryBook.Type

export const hasEpub = (book: LibraryBook) => (book.formats ?? []).some((format) => /epub$/i.test(format))

export const listFields = "title,authors,identifiers,formats,last_modified,size"

// calibre prints this on stdout, after the JSON, when it cannot write its configuration folder
// (a hardened service without a home, say). We give calibredb a folder of its own, but a user's
// CALIBRE_CONFIG_DIRECTORY may still be read-only: the line is not part of the answer.
const configFolderNotice = /^No write access to .* using a temporary dir instead\.?[ \t]*$/gm

export const withoutConfigFolderNotice = (stdout: string): string => stdout.replace(configFolderNotice, "")

const decodeBooks = Schema.decodeUnknownResult(Schema.fromJsonString(Schema.Array(LibraryBook)))

export const decodeBookList = (stdout: string) => decodeBooks(withoutConfigFolderNotice(stdout))

// Every book with a url identifier, with the tags FanFicFare writes (status, "Last Update: …")
// and the paths of its files, for reading the library into the store.
export const linkedBooksQuery = "identifiers:url:true"
export const linkedBookFields = "title,authors,identifiers,tags,formats"

export const LinkedBook = Schema.Struct({ ...bookFields, tags: Schema.optionalKey(Schema.Array(Schema.String)) })
export type LinkedBook = typeof LinkedBook.Type

const decodeLinked = Schema.decodeUnknownResult(Schema.fromJsonString(Schema.Array(LinkedBook)))

export const decodeLinkedBooks = (stdout: string) => decodeLinked(withoutConfigFolderNotice(stdout))

// `add` exits 0 even when it added nothing (missing file, duplicate), so only this line counts.
export const parseAddedIds = (stdout: string): Option.Option<ReadonlyArray<number>> => {
  const match = /^Added book ids: ([\d, ]+)$/m.exec(stdout)
  if (match?.[1] === undefined) return Option.none()
  return Option.some(match[1].split(",").map((id) => Number(id.trim())))
}

export const isLockedByAnotherProgram = (stderr: string) => stderr.includes("Another calibre program")

// What calibredb's Python traceback means, said so a user can act on it; undefined when unknown.
export const explainFailure = (library: string, output: string): string | undefined => {
  if (/Read-only file system|Errno 30\b/.test(output)) {
    return `the library ${library} is on a read-only file system; mount it writable (in a container, drop :ro from the volume) or point [calibre] path at a content server`
  }
  if (/Permission denied|Errno 13\b/.test(output)) return `this user may not write to the library ${library}; give it write access to the folder and its metadata.db`
  if (/No space left on device|Errno 28\b|database or disk is full/.test(output)) return `the disk holding the library ${library} is full; free some space and the job is tried again`
  return undefined
}
