import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import { LibraryImport } from "../watch/LibraryImport.ts"
import { Store } from "../store/Store.ts"
import { globalOptions } from "./root.ts"
import { libraryImportLayer, loggingLayer } from "./runtime.ts"

// Commands of the watch sources: reading the Calibre library into the store.

export const importLibrary = Command.make("import", {}, () =>
  Effect.gen(function* () {
    const options = yield* globalOptions
    yield* Effect.gen(function* () {
      const summary = yield* (yield* LibraryImport).run
      yield* (yield* Store).recordSourceRun("import", { found: summary.added, error: null, nextRunAt: null })
      yield* Console.log(
        `${summary.linked} book(s) with a url, ${summary.stories} of them stories FanFicFare supports; ${summary.added} new to the store`
      )
    }).pipe(Effect.provide(libraryImportLayer(options)), Effect.provide(loggingLayer(options)))
  })
).pipe(Command.withDescription("Read every Calibre book with a story url into the store, without downloading anything"))
