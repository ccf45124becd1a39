import { Context, Effect, FileSystem, Layer, Option, Redacted, Result, Semaphore } from "effect"
import { join } from "node:path"
import { AppConfig } from "../config/AppConfig.ts"
import { ConfigError } from "../config/ConfigError.ts"
import type { MetadataPreservationMode } from "../config/ConfigSchema.ts"
import { CommandRunner } from "../process/CommandRunner.ts"
import type { CommandResult } from "../process/runCommand.ts"
import {
  decodeBookList,
  decodeLinkedBooks,
  type LinkedBook,
  linkedBookFields,
  linkedBooksQuery,
  emptyRecordQuery,
  exactUrlQuery,
  explainFailure,
  isLockedByAnotherProgram,
  type LibraryBook,
  listFields,
  parseAddedIds,
  refusedDuplicates
} from "./calibredbOutput.ts"
import { CalibreBusy, CalibreFailed, CalibreUnavailable, type CalibreUnusable, LibraryNotFound } from "./CalibreErrors.ts"
import { decodeUserRecords, parseCustomColumns, userFieldNames } from "./userFields.ts"
import { storyRecord } from "./duplicateRecords.ts"
import { type LibraryOperations, removeEmptyRecords, writeNewBook, writeUpdatedBook } from "./writeModes.ts"
import { holdTempFolderOwnership, secretFolderPrefix } from "../process/tempFolders.ts"
import { makeLibrarySession } from "./LibrarySession.ts"

/** Any error a library call ends with: the library unusable for the run, or this one call failed. */
export type CalibreError = CalibreUnusable | CalibreFailed

interface CalibreOptions {
  /** Create a missing local library (only `once --create-library` does: a typo in a real path must not). */
  readonly createLibrary: boolean
}

const isServer = (path: string) => /^https?:\/\//.test(path)

// A text column with this label, created by the user, receives the FanFicFare version that
// wrote each book (Calibre has no standard field for it).
const versionColumn = "fanficfare_version"

export class Calibre extends Context.Service<Calibre, {
  /** The library as configured: a folder, or a content-server URL. */
  readonly library: string
  /** The story's record. Several records with the URL (a write killed part-way) are settled into one first. */
  findByUrl(url: string): Effect.Effect<Option.Option<LibraryBook>, CalibreError>
  /** Every book with a url identifier, in one call. */
  readonly linkedBooks: Effect.Effect<ReadonlyArray<LinkedBook>, CalibreError>
  /** Copies the book's EPUB into `directory` as `<bookId>.epub` and returns its path; fails when it has none. */
  exportEpub(bookId: number, directory: string): Effect.Effect<string, CalibreError>
  /** A new story: add it and check it is there under its URL. Returns the book id. */
  addStory(url: string, epub: string, producedBy: string): Effect.Effect<number, CalibreError>
  /**
   * A story Calibre has: write the new EPUB by metadata_preservation_mode. Returns the book id,
   * which is new for the modes that re-add.
   */
  updateStory(url: string, existing: LibraryBook, epub: string, producedBy: string): Effect.Effect<number, CalibreError>
  /** A record that has the story's URL but no EPUB: the file goes into it, every field kept. */
  attachEpub(url: string, existing: LibraryBook, epub: string, producedBy: string): Effect.Effect<number, CalibreError>
}>()("automated-fanfic/calibre/Calibre") {
  static readonly layer = (options: CalibreOptions) => Layer.effect(
    Calibre,
    Effect.gen(function* () {
      const appConfig = yield* AppConfig
      const config = appConfig.values.calibre
      const mode: MetadataPreservationMode = config.metadata_preservation_mode
      const fs = yield* FileSystem.FileSystem
      const runner = yield* CommandRunner
      // calibredb holds one lock per user for the whole machine: one call at a time, process-wide.
      const oneAtATime = yield* Semaphore.make(1)
      const library = config.path
      const server = isServer(library)

      if (library === "") {
        return yield* new ConfigError({
          file: appConfig.file,
          problems: [{
            key: "calibre.path",
            source: appConfig.file,
            message: "is empty; set it to your Calibre library folder or content-server URL (or FFDL_CALIBRE__PATH, or pass --library)"
          }]
        })
      }
      if (!server) yield* prepareLocalLibrary(fs, library, options)
      const passwordFile = server && config.username !== "" ? Option.some(yield* writePasswordFile(fs, config.password)) : Option.none<string>()
      const credentials = Option.match(passwordFile, {
        onNone: () => [],
        onSome: (file) => ["--username", config.username, "--password", `<f:${file}>`]
      })
      // Cover rendering uses QtWebEngine, which refuses to run as root without the first. calibre
      // needs a configuration folder it can write (AppConfig.calibreConfigDir).
      const environment: Record<string, string> = { QTWEBENGINE_DISABLE_SANDBOX: "1", CALIBRE_CONFIG_DIRECTORY: appConfig.calibreConfigDir }

      // The library goes through one long-lived calibre process unless the user asks for
      // calibredb: a local one it holds only while there is work, a server it asks through
      // calibredb's own client, with the same password file (LibrarySession.ts).
      const sessionEnvironment = Option.match(passwordFile, {
        onNone: () => environment,
        onSome: (file) => ({ ...environment, AUTOMATED_FANFIC_CALIBRE_USERNAME: config.username, AUTOMATED_FANFIC_CALIBRE_PASSWORD_FILE: file })
      })
      const session = config.library_access === "session"
        ? Option.some(yield* makeLibrarySession({ library, env: sessionEnvironment, requestTimeout: "5 minutes" }))
        : Option.none()

      // The permit covers the library's work only: a calibredb process's lingering children are
      // waited for after it is released (runCommand.ts).
      const oneCall = (operation: string, args: ReadonlyArray<string>) =>
        Option.isSome(session)
          ? session.value.run([operation, ...args]).pipe(oneAtATime.withPermits(1), Effect.catchTags({
            CalibreWorkerUnavailable: (e) => Effect.fail(new CalibreUnavailable({ reason: e.message })),
            CalibreWorkerFailed: (e) => Effect.fail(new CalibreFailed({ operation, exitCode: -1, detail: e.message }))
          }))
          : runner.run({
            command: "calibredb",
            args: [operation, "--with-library", library, ...credentials, ...args],
            env: environment,
            timeout: "5 minutes",
            exclusive: oneAtATime.withPermits(1)
          }).pipe(Effect.catchTags({
            CommandNotFound: (e) => Effect.fail(new CalibreUnavailable({ reason: e.message })),
            CommandTimedOut: (e) => Effect.fail(new CalibreFailed({ operation, exitCode: -1, detail: e.message }))
          }))

      const calibredb = Effect.fn("Calibre.calibredb")(function* (operation: string, args: ReadonlyArray<string>) {
        const result: CommandResult = yield* oneCall(operation, args)
        if (isLockedByAnotherProgram(result.stderr)) return yield* new CalibreBusy({ library })
        return result
      })

      // The failing command line is never part of the message: it may hold a server password.
      const failed = (operation: string, result: CommandResult, detail?: string) =>
        new CalibreFailed({
          operation,
          exitCode: result.exitCode,
          detail: detail ?? explainFailure(library, `${result.stderr}\n${result.stdout}`) ??
            (result.stderr.trim().split("\n").slice(-3).join(" ") || result.stdout.trim().slice(-300))
        })

      const checked = Effect.fnUntraced(function* (operation: string, args: ReadonlyArray<string>) {
        const result = yield* calibredb(operation, args)
        if (result.exitCode !== 0) return yield* failed(operation, result)
        return result
      })

      const listBooks = Effect.fnUntraced(function* (query: string) {
        const result = yield* checked("list", ["--for-machine", "--fields", listFields, "-s", query])
        const books = decodeBookList(result.stdout)
        if (Result.isFailure(books)) return yield* failed("list", result, `unexpected output: ${books.failure.message}`)
        return books.success
      })

      const booksWithUrl = (url: string, also: { readonly emptyTitled?: string; readonly withBook?: number } = {}) =>
        listBooks([
          exactUrlQuery(url),
          ...(also.emptyTitled === undefined ? [] : [emptyRecordQuery(also.emptyTitled)]),
          ...(also.withBook === undefined ? [] : [`id:${also.withBook}`])
        ].map((query) => `(${query})`).join(" or "))

      const linkedBooks = Effect.gen(function* () {
        const result = yield* checked("list", ["--for-machine", "--fields", linkedBookFields, "-s", linkedBooksQuery])
        const books = decodeLinkedBooks(result.stdout)
        if (Result.isFailure(books)) return yield* failed("list", result, `unexpected output: ${books.failure.message}`)
        return books.success
      }).pipe(Effect.withSpan("Calibre.linkedBooks"))

      const readBook = Effect.fn("Calibre.readBook")(function* (bookId: number) {
        return Option.fromNullishOr((yield* listBooks(`id:${bookId}`))[0])
      })

      const exportEpub = Effect.fn("Calibre.exportEpub")(function* (bookId: number, directory: string) {
        const result = yield* calibredb("export", [
          "--dont-save-cover", "--dont-write-opf", "--dont-update-metadata", "--single-dir",
          "--to-dir", directory, "--template", "{id}", "--formats", "epub", String(bookId)
        ])
        const exported = join(directory, `${bookId}.epub`)
        // calibre 6 exits 0 for a missing id, so the file itself is the proof.
        const present = yield* fs.exists(exported).pipe(Effect.orElseSucceed(() => false))
        if (result.exitCode !== 0 || !present) return yield* failed("export", result, `book ${bookId} has no EPUB to export`)
        return exported
      })

      const customColumns = Effect.map(checked("custom_columns", []), (result) => parseCustomColumns(result.stdout))
      // The library's custom columns, read once per opening of the library: the session counts
      // its openings; calibredb opens it for every call, so there the version column's presence
      // is asked once per process, as before (a failed look-up is not remembered).
      const openings = () => Option.isSome(session) ? session.value.openings() : 0
      let knownColumns: { readonly openings: number; readonly columns: ReadonlyArray<string> } | undefined
      // One reader at a time, so jobs starting together wait for one read instead of each making it.
      const oneColumnsRead = yield* Semaphore.make(1)
      const rememberedColumns = oneColumnsRead.withPermits(1)(Effect.gen(function* () {
        if (knownColumns !== undefined && knownColumns.openings === openings()) return knownColumns.columns
        const columns = yield* customColumns
        knownColumns = { openings: openings(), columns }
        return columns
      }))
      const hasVersionColumn = Effect.map(rememberedColumns, (columns) => columns.includes(versionColumn))

      const removeBook = Effect.fn("Calibre.removeBook")(function* (bookId: number) {
        yield* checked("remove", ["--permanent", String(bookId)])
      })

      const operations: LibraryOperations<CalibreError> = {
        booksWithUrl,
        readBook,
        addBook: Effect.fn("Calibre.addBook")(function* (epub: string, add: { readonly duplicate: boolean }) {
          const addOnce = calibredb("add", [...(add.duplicate ? ["--duplicates"] : []), "--", epub])
          let result = yield* addOnce
          // Refused as a duplicate of a record an interrupted add left empty: remove that and add again.
          if (Option.isNone(parseAddedIds(result.stdout))) {
            const shells = (yield* Effect.forEach(refusedDuplicates(`${result.stdout}\n${result.stderr}`), (title) => listBooks(emptyRecordQuery(title)))).flat()
            yield* removeEmptyRecords(removeBook, shells)
            if (shells.length > 0) result = yield* addOnce
          }
          // `add` exits 0 for a missing file or a refused duplicate; only "Added book ids" counts.
          const ids = parseAddedIds(result.stdout)
          if (result.exitCode !== 0 || Option.isNone(ids) || ids.value[0] === undefined) {
            return yield* failed("add", result, `nothing was added: ${(result.stderr || result.stdout).trim().slice(-300)}`)
          }
          return ids.value[0]
        }),
        replaceEpub: Effect.fn("Calibre.replaceEpub")(function* (bookId: number, epub: string) {
          yield* checked("add_format", [String(bookId), epub])
        }),
        removeBook,
        customColumns: Option.isSome(session) ? rememberedColumns : customColumns,
        recordProducer: Effect.fn("Calibre.recordProducer")(function* (bookId: number, fanFicFareVersion: string) {
          if (yield* hasVersionColumn) yield* checked("set_custom", [versionColumn, String(bookId), fanFicFareVersion])
        }),
        readUserRecord: Effect.fn("Calibre.readUserRecord")(function* (bookId: number, columns: ReadonlyArray<string>) {
          const result = yield* checked("list", ["--for-machine", "--fields", userFieldNames(columns), "-s", `id:${bookId}`])
          const records = decodeUserRecords(result.stdout)
          if (Result.isFailure(records)) return yield* failed("list", result, `unexpected output: ${records.failure.message}`)
          const record = records.success[0]
          if (record === undefined) return yield* failed("list", result, `book ${bookId} is not in the library`)
          return record
        }),
        setFields: Effect.fn("Calibre.setFields")(function* (bookId: number, args: ReadonlyArray<string>) {
          yield* checked("set_metadata", [...args, String(bookId)])
        })
      }

      return Calibre.of({
        library,
        findByUrl: Effect.fn("Calibre.findByUrl")((url: string) => storyRecord(operations, url)),
        linkedBooks,
        exportEpub,
        addStory: (url, epub, producedBy) => writeNewBook(operations, url, epub, producedBy),
        updateStory: (url, existing, epub, producedBy) => writeUpdatedBook(operations, mode, url, existing, epub, producedBy),
        attachEpub: (url, existing, epub, producedBy) => writeUpdatedBook(operations, "add_format", url, existing, epub, producedBy)
      })
    })
  ).pipe(Layer.provide(CommandRunner.layer))
}

// calibredb reads "<f:path>" as "the password is in this file", which keeps it out of `ps`. Its
// folder is named after this process, so a start after a SIGKILL removes it (tempFolders.ts).
const writePasswordFile = Effect.fnUntraced(function* (fs: FileSystem.FileSystem, password: Redacted.Redacted<string>) {
  yield* holdTempFolderOwnership
  const directory = yield* fs.makeTempDirectoryScoped({ prefix: secretFolderPrefix }).pipe(Effect.orDie)
  const file = join(directory, "password")
  yield* fs.writeFileString(file, Redacted.value(password), { mode: 0o600 }).pipe(Effect.orDie)
  return file
})

const prepareLocalLibrary = Effect.fnUntraced(function* (fs: FileSystem.FileSystem, library: string, options: CalibreOptions) {
  const info = yield* fs.stat(library).pipe(Effect.option)
  if (Option.isSome(info) && info.value.type !== "Directory") {
    return yield* new LibraryNotFound({ library, reason: "this is a file, not a Calibre library folder" })
  }
  const hasDatabase = yield* fs.exists(join(library, "metadata.db")).pipe(Effect.orElseSucceed(() => false))
  if (hasDatabase) return
  if (!options.createLibrary) {
    return yield* new LibraryNotFound({
      library,
      reason: "there is no metadata.db here; point [calibre] path at your Calibre library folder (or pass --create-library to start a new one)"
    })
  }
  yield* fs.makeDirectory(library, { recursive: true }).pipe(
    Effect.mapError((e) => new LibraryNotFound({ library, reason: `cannot create it: ${e.message}` }))
  )
})

