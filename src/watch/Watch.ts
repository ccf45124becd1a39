import { Clock, Context, Duration, Effect, Layer } from "effect"
import { AppConfig } from "../config/AppConfig.ts"
import { isPaused } from "../jobs/siteBreaker.ts"
import { Store, type StoreError } from "../store/Store.ts"
import { sweepOrigin } from "./cheapCheck.ts"
import { LibraryImport } from "./LibraryImport.ts"
import { dueForSweep, sweepPassMs, sweepSettings } from "./sweepDue.ts"
import { makeFeedSources } from "./Feeds.ts"
import { makeListSources } from "./ReadingLists.ts"
import type { SourceFound, WatchSource } from "./WatchSource.ts"

// The watch sources beside the mailbox: the Calibre import, the library sweep, reading lists
// and feeds. Each runs on its own schedule, kept in the store (so a restart does not run them
// all again), queues jobs like an alert does, and records its last run, next run, stories
// found and error, which `status`, the API and the dashboard show.

interface SourceOutcome extends SourceFound {
  /** The source's name, also its origin in the history. */
  readonly source: string
  /** Why the run failed, or null when it succeeded. */
  readonly error: string | null
}

export class Watch extends Context.Service<Watch, {
  /** The names of the configured sources, in the order a pass runs them. */
  readonly sources: ReadonlyArray<string>
  /** Runs each source whose time has come (every one with `all`) and records each run. */
  pass(options: { readonly all: boolean }): Effect.Effect<ReadonlyArray<SourceOutcome>, StoreError>
  /** Runs the sources on their schedules until interrupted, waking the job runner when one queued work. */
  run(wake: Effect.Effect<void>): Effect.Effect<never, StoreError>
}>()("automated-fanfic/watch/Watch") {
  static readonly layer = Layer.effect(
    Watch,
    Effect.gen(function* () {
      const watch = (yield* AppConfig).values.watch
      const store = yield* Store
      const library = yield* LibraryImport
      const settings = sweepSettings(watch)

      const importSource: WatchSource = {
        name: "import",
        everyMs: watch.import_hours * 3_600_000,
        run: Effect.map(library.run, (summary) => ({ found: summary.added, jobIds: [] }))
      }

      const sweepSource: WatchSource = {
        name: sweepOrigin,
        everyMs: sweepPassMs(settings),
        run: Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const paused = new Set((yield* store.sites).filter((site) => isPaused(site, now)).map((site) => site.site))
          const due = dueForSweep(yield* store.watchedStories, paused, now, settings)
          // Oldest first: the job runner takes a site's jobs in the order they were queued.
          const jobIds: Array<number> = []
          for (const story of due) {
            const { job } = yield* store.request({ storyKey: story.key, url: story.url, site: story.site, origin: sweepOrigin, force: false })
            jobIds.push(job.id)
          }
          return { found: due.length, jobIds }
        })
      }

      const all: ReadonlyArray<WatchSource> = [
        // import_hours = 0 still imports once, at the first start.
        importSource,
        ...(settings.inProgressMs > 0 ? [sweepSource] : []),
        ...(yield* makeListSources(watch)),
        ...(yield* makeFeedSources(watch))
      ]

      const runSource = Effect.fn("Watch.runSource")(function* (source: WatchSource) {
        const found = yield* source.run.pipe(
          Effect.map((result) => ({ ...result, error: null })),
          Effect.catch((error) => Effect.succeed({ found: 0, jobIds: [], error: error.message }))
        )
        const now = yield* Clock.currentTimeMillis
        const nextRunAt = source.everyMs > 0 ? now + source.everyMs : null
        yield* store.recordSourceRun(source.name, { ...found, nextRunAt })
        if (found.error !== null) yield* Effect.logWarning(`${source.name}: ${found.error}`)
        else if (found.found > 0) yield* Effect.logInfo(`${source.name}: ${found.found} found, ${found.jobIds.length} job(s) queued`)
        return { source: source.name, ...found } satisfies SourceOutcome
      }, (effect, source) => Effect.annotateLogs(effect, { source: source.name }))

      const pass = Effect.fn("Watch.pass")(function* (options: { readonly all: boolean }) {
        const now = yield* Clock.currentTimeMillis
        const states = new Map((yield* store.sources).map((state) => [state.source, state]))
        const due = all.filter((source) => {
          const state = states.get(source.name)
          if (options.all || state === undefined) return true
          return state.nextRunAt !== null && state.nextRunAt <= now
        })
        return yield* Effect.forEach(due, runSource)
      })

      const run = (wake: Effect.Effect<void>) =>
        Effect.gen(function* () {
          while (true) {
            const outcomes = yield* pass({ all: false })
            if (outcomes.some((outcome) => outcome.jobIds.length > 0)) yield* wake
            const now = yield* Clock.currentTimeMillis
            const next = (yield* store.sources).flatMap((state) => (all.some((source) => source.name === state.source) && state.nextRunAt !== null ? [state.nextRunAt] : []))
            const waitMs = next.length === 0 ? 3_600_000 : Math.max(1_000, Math.min(...next) - now)
            yield* Effect.sleep(Duration.millis(waitMs))
          }
        })

      return Watch.of({ sources: all.map((source) => source.name), pass, run })
    })
  )
}
