import { Context, Effect, FileSystem, Layer, Option, Redacted, Result, Semaphore } from "effect"
import { join } from "node:path"
import { AppConfig } from "../config/AppConfig.ts"
import { ConfigError } from "../config/ConfigError.ts"
import { type CommandResult, makeCommandRunner } from "../process/runCommand.ts"
import {
  decodeBookList,
  exactUrlQuery,
  isLockedByAnotherProgram,
  type LibraryBook,
  listFields,
  parseAddedIds
} from "./calibredbOutput.ts"
import { CalibreBusy, CalibreFailed, CalibreUnavailable, LibraryNotFound } from "./CalibreErrors.ts"

export type CalibreError = CalibreBusy | CalibreFailed | CalibreUnavailable | LibraryNotFound

export interface CalibreOptions {
  // Only the walking-skeleton demo may create a library; a typo in a real path must not.
  readonly createLibrary: boolean
}

const isServer = (path: string) => /^https?:\/\//.test(path)

export class Calibre extends Context.Service<Calibre, {
  readonly library: string
  findByUrl(url: string): Effect.Effect<Option.Option<LibraryBook>, CalibreError>
  exportEpub(bookId: number, directory: string): Effect.Effect<string, CalibreError>
  addBook(epub: string): Effect.Effect<number, CalibreError>
  replaceEpub(bookId: number, epub: string): Effect.Effect<void, CalibreError>
}>()("automated-fanfic/calibre/Calibre") {
  static readonly layer = (options: CalibreOptions) => Layer.effect(
    Calibre,
    Effect.gen(function* () {
      const appConfig = yield* AppConfig
      const config = appConfig.values.calibre
      const fs = yield* FileSystem.FileSystem
      const runCommand = yield* makeCommandRunner
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

      const credentials = server && config.username !== ""
        ? ["--username", config.username, "--password", Redacted.value(config.password)]
        : []

      const calibredb = Effect.fn("Calibre.calibredb")(function* (operation: string, args: ReadonlyArray<string>) {
        const result: CommandResult = yield* runCommand({
          command: "calibredb",
          args: [operation, "--with-library", library, ...credentials, ...args],
          // Cover rendering uses QtWebEngine, which refuses to run as root without this.
          env: { QTWEBENGINE_DISABLE_SANDBOX: "1" },
          timeout: "5 minutes"
        }).pipe(
          oneAtATime.withPermits(1),
          Effect.catchTags({
            CommandNotFound: (e) => Effect.fail(new CalibreUnavailable({ reason: e.message })),
            CommandTimedOut: (e) => Effect.fail(new CalibreFailed({ operation, exitCode: -1, detail: e.message }))
          })
        )
        if (isLockedByAnotherProgram(result.stderr)) return yield* new CalibreBusy({ library })
        return result
      })

      const failed = (operation: string, result: CommandResult, detail?: string) =>
        new CalibreFailed({
          operation,
          exitCode: result.exitCode,
          detail: detail ?? (result.stderr.trim().split("\n").slice(-3).join(" ") || result.stdout.trim().slice(-300))
        })

      const findByUrl = Effect.fn("Calibre.findByUrl")(function* (url: string) {
        const result = yield* calibredb("list", ["--for-machine", "--fields", listFields, "-s", exactUrlQuery(url)])
        if (result.exitCode !== 0) return yield* failed("list", result)
        const books = decodeBookList(result.stdout)
        if (Result.isFailure(books)) return yield* failed("list", result, `unexpected output: ${books.failure.message}`)
        return Option.fromNullishOr(books.success[0])
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

      const addBook = Effect.fn("Calibre.addBook")(function* (epub: string) {
        const result = yield* calibredb("add", ["--", epub])
        const ids = parseAddedIds(result.stdout)
        if (result.exitCode !== 0 || Option.isNone(ids) || ids.value[0] === undefined) {
          return yield* failed("add", result, `nothing was added: ${(result.stderr || result.stdout).trim().slice(-300)}`)
        }
        return ids.value[0]
      })

      const replaceEpub = Effect.fn("Calibre.replaceEpub")(function* (bookId: number, epub: string) {
        const result = yield* calibredb("add_format", [String(bookId), epub])
        if (result.exitCode !== 0) return yield* failed("add_format", result)
      })

      return Calibre.of({ library, findByUrl, exportEpub, addBook, replaceEpub })
    })
  )
}

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

export { CalibreBusy, CalibreFailed, CalibreUnavailable, LibraryNotFound }
