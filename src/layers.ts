import { Effect, Layer, Logger, References } from "effect"
import { Calibre } from "./calibre/Calibre.ts"
import { AppConfig } from "./config/AppConfig.ts"
import { storeFile } from "./config/dataDir.ts"
import { GlobalOptions, type StartOptions } from "./config/GlobalOptions.ts"
import { Coordinator } from "./coordinator/Coordinator.ts"
import { FanFicFare } from "./fanficfare/FanFicFare.ts"
import { ImapSource } from "./mail/ImapSource.ts"
import { Notifier } from "./notify/Notifier.ts"
import { Pipeline } from "./pipeline/Pipeline.ts"
import { CommandRunner } from "./process/CommandRunner.ts"
import { Sites } from "./sites/Sites.ts"
import { Store } from "./store/Store.ts"
import { LibraryImport } from "./watch/LibraryImport.ts"
import { Watch } from "./watch/Watch.ts"

// The one place that picks implementations: each command's services as a Layer, built from the
// GlobalOptions the entry provides (Node's own services come from cli/run.ts). Each service's
// layer brings what it alone uses (CommandRunner); what several share (the configuration, the
// Store) is built here once per command.

// Logs go to stderr so stdout stays clean for results and --json.
const loggingLayer = (options: StartOptions) =>
  Layer.mergeAll(
    Logger.layer([Logger.withConsoleError(options.logFormat === "json" ? Logger.formatJson : Logger.formatLogFmt)]),
    Layer.succeed(References.MinimumLogLevel)(options.verbose ? "Debug" : "Info")
  )

// What every command runs with: the global flags and the environment, and the log they choose.
export const startLayer = (options: StartOptions) => Layer.merge(Layer.succeed(GlobalOptions)(options), loggingLayer(options))

/** What `once` may choose about the library. */
interface LibraryChoice {
  /** `--library DIR`: this library instead of [calibre] path. */
  readonly path: string | undefined
  /** `--create-library`: an empty library is made there if there is none. */
  readonly createLibrary: boolean
}

const configuredLibrary: LibraryChoice = { path: undefined, createLibrary: false }

const configFor = (library: LibraryChoice) => {
  const path = library.path
  if (path === undefined) return AppConfig.layer
  return Layer.effect(
    AppConfig,
    Effect.map(AppConfig, (config) => ({ ...config, values: { ...config.values, calibre: { ...config.values.calibre, path } } }))
  ).pipe(Layer.provide(AppConfig.layer))
}

// The Store in the configured data folder.
const storeFromConfig = Layer.unwrap(Effect.map(AppConfig, (config) => Store.layer(storeFile(config.dataDir))))

// `status` and `story`: the Store, and the configuration that names its folder.
export const storeLayer = storeFromConfig.pipe(Layer.provideMerge(AppConfig.layer))

// `add` also names each link's site and story.
export const storeAndSitesLayer = Layer.mergeAll(storeFromConfig, Sites.layer).pipe(Layer.provideMerge(AppConfig.layer))

// `check-config`: the configuration, and a way to try the notification targets. FanFicFare is
// provided inside, once the configuration is printed.
export const checkConfigLayer = Layer.merge(AppConfig.layer, CommandRunner.layer)

// `import`: the Calibre library read into the Store.
export const libraryImportLayer = LibraryImport.layer.pipe(
  Layer.provideMerge(Layer.mergeAll(Calibre.layer({ createLibrary: false }), Sites.layer, storeFromConfig)),
  Layer.provideMerge(AppConfig.layer)
)

// What runs jobs (`once --url`): the Coordinator over the Pipeline (Calibre, FanFicFare), with the
// Store, the Notifier, and Sites to name the stories of the links a person gives.
export const jobRunnerLayer = (library: LibraryChoice) =>
  Sites.layer.pipe(
    Layer.provideMerge(Coordinator.layer),
    Layer.provideMerge(Notifier.layer),
    Layer.provideMerge(storeFromConfig),
    Layer.provideMerge(Pipeline.layer),
    Layer.provideMerge(Layer.mergeAll(Calibre.layer({ createLibrary: library.createLibrary }), FanFicFare.layer)),
    Layer.provideMerge(configFor(library))
  )

// The watch sources (import, sweep, lists, feeds) over what runs their jobs.
const watching = <A, E, R>(jobs: Layer.Layer<A, E, R>) => Watch.layer.pipe(Layer.provideMerge(LibraryImport.layer), Layer.provideMerge(jobs))

// `watch`: the watch sources beside the job runner.
export const watchLayer = watching(jobRunnerLayer(configuredLibrary))

// The daemon and `once`: the mailbox too.
export const daemonLayer = (library: LibraryChoice = configuredLibrary) =>
  watching(ImapSource.layer.pipe(Layer.provideMerge(jobRunnerLayer(library))))
