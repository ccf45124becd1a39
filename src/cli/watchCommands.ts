import { Clock, Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { Coordinator } from "../coordinator/Coordinator.ts"
import { libraryImportLayer, watchLayer } from "../layers.ts"
import { reportLine, summaryLine } from "../pipeline/StoryReport.ts"
import { LibraryImport } from "../watch/LibraryImport.ts"
import { Watch } from "../watch/Watch.ts"
import { Store } from "../store/Store.ts"
import { StoriesFailed } from "./CliErrors.ts"

// Commands of the watch sources: reading the Calibre library into the store, and one pass of
// every source with the jobs it queued (for cron, like `once` for the mailbox).

export const importLibrary = Command.make("import", {}, () =>
  Effect.gen(function* () {
    const summary = yield* (yield* LibraryImport).run
    yield* (yield* Store).recordSourceRun("import", { found: summary.added, error: null, nextRunAt: null })
    yield* Console.log(
      `${summary.linked} book(s) with a url, ${summary.stories} of them stories FanFicFare supports; ${summary.added} new to the store`
    )
  }).pipe(Effect.provide(libraryImportLayer))
).pipe(Command.withDescription("Read every Calibre book with a story url into the store, without downloading anything"))

export const watchOnce = Command.make(
  "watch",
  { now: Flag.Boolean("now").pipe(Flag.withDescription("run every source now, not only those whose time has come"), Flag.withDefault(false)) },
  Effect.fn("cli.watch")(function* ({ now }) {
    const outcomes = yield* (yield* Watch).pass({ all: now })
    for (const outcome of outcomes) yield* Console.log(`${outcome.source}: ${outcome.error ?? `${outcome.found} found, ${outcome.jobIds.length} job(s) queued`}`)
    const scope = [...new Set(outcomes.flatMap((outcome) => outcome.jobIds))]
    const reports = scope.length === 0 ? [] : yield* (yield* Coordinator).drainUntil(yield* Clock.currentTimeMillis, scope)
    for (const report of reports) yield* Console.log(reportLine(report))
    yield* Console.log(summaryLine(reports))
    const failed = reports.filter((report) => report.result === "failed").length + outcomes.filter((outcome) => outcome.error !== null).length
    if (failed > 0) return yield* new StoriesFailed({ failed })
  }, Effect.provide(watchLayer))
).pipe(Command.withDescription("Run the watch sources once (import, library sweep, reading lists, feeds) and the jobs they queue, then exit"))
