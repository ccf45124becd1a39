import { Context, Effect, FileSystem, Layer, Option } from "effect"
import { AppConfig } from "../config/AppConfig.ts"
import { Calibre, type CalibreError } from "../calibre/Calibre.ts"
import { hasEpub, type LibraryBook } from "../calibre/calibredbOutput.ts"
import { FanFicFare, type FanFicFareUnavailable, type FetchResult } from "../fanficfare/FanFicFare.ts"
import { describeOutcome } from "../fanficfare/describeOutcome.ts"
import { actionFor, type FanFicFareOutcome } from "../fanficfare/outcome.ts"
import type { StoryMetadata } from "../fanficfare/metadata.ts"
import type { StoryUrl } from "../stories/StoryUrl.ts"
import { cleanUpAfterKilledRuns, holdTempFolderOwnership, jailPrefix } from "../process/tempFolders.ts"
import type { StoryReport } from "./StoryReport.ts"
import { compareCheck, describeCheck, type KnownFacts, needsUpdate } from "../watch/cheapCheck.ts"
import type { UpdateMethod } from "../config/ConfigSchema.ts"

// One story, start to end, inside a private work directory that is removed however the job ends:
// find it in Calibre, export it, let FanFicFare download or update it, write it back, check.
// Story-level failures are reports; an unusable library or FanFicFare install is an error.

export type PipelineError = CalibreError | FanFicFareUnavailable

export interface RefreshOptions {
  /** Download every chapter again, as asked for with `add --force`. update_no_force still wins. */
  readonly force: boolean
  /** Ask the site for metadata first and update only when it has more chapters than this. */
  readonly checkFirst?: KnownFacts | undefined
  /** The story's own update_method, over [calibre] update_method. */
  readonly updateMethod?: UpdateMethod | undefined
}

const failure = (outcome: FanFicFareOutcome) => {
  const action = actionFor(outcome)
  return {
    retryable: action === "retry" || action === "site-failed" || action === "write",
    siteTrouble: action === "site-failed",
    ...(outcome._tag === "StoryNotFound" ? { storyGone: true } : {})
  }
}

const siteFacts = (meta: StoryMetadata) => ({
  title: meta.title,
  author: meta.author,
  chapters: meta.numChapters,
  ...(meta.status === undefined ? {} : { status: meta.status }),
  ...(meta.dateUpdated === undefined ? {} : { dateUpdated: meta.dateUpdated })
})

export class Pipeline extends Context.Service<Pipeline, {
  /** Adds the story to Calibre or updates it there, in a work folder removed afterwards; story failures are reports. */
  refresh(url: StoryUrl, options?: RefreshOptions): Effect.Effect<StoryReport, PipelineError>
}>()("automated-fanfic/pipeline/Pipeline") {
  static readonly layer = Layer.effect(
    Pipeline,
    Effect.gen(function* () {
      const calibre = yield* Calibre
      const fanFicFare = yield* FanFicFare
      const fs = yield* FileSystem.FileSystem
      const configuredMethod = (yield* AppConfig).values.calibre.update_method
      // Work folders made from here on are this process's; those of killed runs go, after their programs.
      yield* holdTempFolderOwnership
      yield* cleanUpAfterKilledRuns

      const titleOf = (fetched: FetchResult) =>
        ({
          ...Option.match(fetched.metadata, { onNone: () => ({}), onSome: siteFacts }),
          ...(fetched.outcome._tag === "Updated" ? { chaptersBefore: fetched.outcome.chaptersBefore } : {})
        })

      const update = Effect.fn("Pipeline.update")(function* (jail: string, url: StoryUrl, existing: LibraryBook, force: boolean, updateMethod: UpdateMethod) {
        // Calibre knows the story by the URL stored on the book, which may differ from the link given.
        const libraryUrl = existing.identifiers["url"] ?? url
        const epub = yield* calibre.exportEpub(existing.id, jail)
        const fetched = yield* fanFicFare.fetch(jail, { _tag: "Update", epub, method: force && updateMethod !== "update_no_force" ? "force" : updateMethod })
        const base = { url, bookId: existing.id, ...titleOf(fetched), detail: describeOutcome(fetched.outcome) }
        switch (fetched.outcome._tag) {
          // A forced update (-u --force) downloads everything again and only says it wrote the file.
          case "Written":
          case "Updated": {
            const bookId = yield* calibre.updateStory(libraryUrl, existing, fetched.epub, yield* fanFicFare.version)
            return { ...base, bookId, result: "updated" } satisfies StoryReport
          }
          case "NothingNew":
            return { ...base, result: "unchanged" } satisfies StoryReport
          case "SourceHasFewerChapters":
            return { ...base, result: "kept" } satisfies StoryReport
          default:
            return { ...base, result: "failed", ...failure(fetched.outcome) } satisfies StoryReport
        }
      })

      const add = Effect.fn("Pipeline.add")(function* (jail: string, url: StoryUrl, force: boolean, updateMethod: UpdateMethod) {
        const fetched = yield* fanFicFare.fetch(jail, { _tag: "New", url })
        const base = { url, ...titleOf(fetched), detail: describeOutcome(fetched.outcome) }
        // FanFicFare.fetch only reports Written once the file exists and is new.
        if (fetched.outcome._tag !== "Written") {
          return { ...base, result: "failed", ...failure(fetched.outcome) } satisfies StoryReport
        }
        // The link as mailed may differ from FanFicFare's canonical one, which is what Calibre stores.
        const canonical = Option.match(fetched.metadata, { onNone: () => url, onSome: (meta) => meta.storyUrl })
        const known = canonical === url ? Option.none() : yield* calibre.findByUrl(canonical)
        // Calibre has it under the canonical URL: update that book from its own EPUB, so chapter
        // counts are compared and a longer copy is never replaced by this fresh download.
        if (Option.isSome(known)) return hasEpub(known.value) ? yield* update(jail, url, known.value, force, updateMethod) : yield* attach(url, known.value, fetched)
        const bookId = yield* calibre.addStory(canonical, fetched.epub, yield* fanFicFare.version)
        return { ...base, bookId, result: "added" } satisfies StoryReport
      })

      // A record with the story's URL but no file (an add killed part-way, a file deleted by
      // hand) is the story's book with its file missing: the fresh download goes into that record,
      // keeping its id and the user's fields.
      const attach = Effect.fn("Pipeline.attach")(function* (url: StoryUrl, book: LibraryBook, fetched: FetchResult) {
        yield* Effect.logWarning(`book ${book.id} has the URL ${url} but no EPUB (an add killed part-way?); adding the downloaded story to that record`)
        const bookId = yield* calibre.attachEpub(book.identifiers["url"] ?? url, book, fetched.epub, yield* fanFicFare.version)
        return { url, bookId, ...titleOf(fetched), result: "updated", detail: `the EPUB missing from book ${book.id} was downloaded and added` } satisfies StoryReport
      })

      const downloadInto = Effect.fn("Pipeline.downloadInto")(function* (jail: string, url: StoryUrl, book: LibraryBook) {
        const fetched = yield* fanFicFare.fetch(jail, { _tag: "New", url })
        if (fetched.outcome._tag !== "Written") {
          return { url, bookId: book.id, ...titleOf(fetched), detail: describeOutcome(fetched.outcome), result: "failed", ...failure(fetched.outcome) } satisfies StoryReport
        }
        return yield* attach(url, book, fetched)
      })

      // The cheap check: a metadata-only run, compared with what the store knows. Returns a report
      // when there is nothing to download, else what the site said, for the full run's report.
      const cheapCheck = Effect.fn("Pipeline.cheapCheck")(function* (jail: string, url: StoryUrl, known: KnownFacts) {
        const checked = yield* fanFicFare.check(jail, url)
        if (Option.isNone(checked.metadata) || checked.outcome._tag !== "Written") {
          const report: StoryReport = { url, result: "failed", detail: `check: ${describeOutcome(checked.outcome)}`, checkVerdict: "failed", ...failure(checked.outcome) }
          return report
        }
        const meta = checked.metadata.value
        const verdict = compareCheck(known, { chapters: meta.numChapters, dateUpdated: meta.dateUpdated })
        const seen = { url, ...siteFacts(meta), checkVerdict: verdict, detail: `check: ${describeCheck(known, { chapters: meta.numChapters, dateUpdated: meta.dateUpdated }, verdict)}` }
        return needsUpdate(verdict) ? { ...seen, result: "updated" } satisfies StoryReport : { ...seen, result: verdict === "fewer" ? "kept" : "unchanged" } satisfies StoryReport
      })

      const refreshIn = Effect.fn("Pipeline.refreshIn")(function* (jail: string, url: StoryUrl, options: RefreshOptions) {
        const method = options.updateMethod ?? configuredMethod
        const check = options.checkFirst === undefined ? undefined : yield* cheapCheck(jail, url, options.checkFirst)
        if (check !== undefined && check.checkVerdict !== "more") return check
        const existing = yield* calibre.findByUrl(url)
        const report = Option.isNone(existing)
          ? yield* add(jail, url, options.force, method)
          : hasEpub(existing.value) ? yield* update(jail, url, existing.value, options.force, method) : yield* downloadInto(jail, url, existing.value)
        return check === undefined ? report : { ...report, checkVerdict: "more", detail: `${check.detail}; ${report.detail}` } satisfies StoryReport
      })

      const refresh = Effect.fn("Pipeline.refresh")(function* (url: StoryUrl, options: RefreshOptions = { force: false }) {
        const jail = yield* fs.makeTempDirectoryScoped({ prefix: jailPrefix }).pipe(Effect.orDie)
        return yield* refreshIn(jail, url, options).pipe(
          // FanFicFare cannot start in a folder that is gone: that is this job's bad luck (another
          // program cleaned the temporary folder), not a broken install that should stop the run.
          Effect.catchTag("FanFicFareUnavailable", (error) =>
            Effect.flatMap(fs.exists(jail).pipe(Effect.orElseSucceed(() => false)), (exists) =>
              exists
                ? Effect.fail(error)
                : Effect.succeed({ url, result: "failed", retryable: true, detail: `its work folder ${jail} vanished during the run (removed by another program?); it is tried again` } satisfies StoryReport)))
        )
      }, Effect.scoped)

      return Pipeline.of({ refresh })
    })
  )
}
