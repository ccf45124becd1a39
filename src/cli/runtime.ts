import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect, Layer, Logger, References } from "effect"
import { AppConfig, loadConfig } from "../config/AppConfig.ts"
import type { LoadedConfig } from "../config/interpret.ts"
import { Calibre } from "../calibre/Calibre.ts"
import { FanFicFare } from "../fanficfare/FanFicFare.ts"
import { Pipeline } from "../pipeline/Pipeline.ts"
import { Coordinator } from "../coordinator/Coordinator.ts"
import { Store } from "../store/Store.ts"
import { Sites } from "../sites/Sites.ts"
import { ImapSource } from "../mail/ImapSource.ts"
import { Notifier } from "../notify/Notifier.ts"
import { dataDirectory, storeFile } from "../config/dataDir.ts"
import { LibraryImport } from "../watch/LibraryImport.ts"
import { Watch } from "../watch/Watch.ts"

// Turns the parsed command line into Layers. This is the only place that picks implementations.

export interface GlobalOptions {
  readonly config: string | undefined
  readonly verbose: boolean
  readonly logFormat: "text" | "json"
}

export const defaultConfigPath = "config.toml"

export const configSource = (options: GlobalOptions) => ({
  path: options.config ?? process.env["AUTOMATED_FANFIC_CONFIG"] ?? defaultConfigPath,
  explicit: options.config !== undefined || process.env["AUTOMATED_FANFIC_CONFIG"] !== undefined,
  environment: process.env
})

// Logs go to stderr so stdout stays clean for results and --json.
export const loggingLayer = (options: GlobalOptions) =>
  Layer.mergeAll(
    Logger.layer([Logger.withConsoleError(options.logFormat === "json" ? Logger.formatJson : Logger.formatLogFmt)]),
    Layer.succeed(References.MinimumLogLevel)(options.verbose ? "Debug" : "Info")
  )

export const configLayer = (options: GlobalOptions, adjust: (config: LoadedConfig) => LoadedConfig = (c) => c) =>
  Layer.effect(AppConfig, Effect.map(loadConfig(configSource(options)), adjust)).pipe(Layer.provide(NodeServices.layer))

// The Store in the configured data folder.
export const storeFromConfig = Layer.unwrap(
  Effect.map(AppConfig, (config) => Store.layer(storeFile(dataDirectory(config.values, process.env))))
)

// `add` and `status` need the Store and nothing else.
export const storeLayer = (options: GlobalOptions) => storeFromConfig.pipe(Layer.provide(configLayer(options)))

// `add` also reads each link's site and story id.
export const storeAndSitesLayer = (options: GlobalOptions) =>
  Layer.mergeAll(storeFromConfig, Sites.layer).pipe(Layer.provide(configLayer(options)), Layer.provide(NodeServices.layer))

export const fanFicFareLayer = (options: GlobalOptions) =>
  FanFicFare.layer.pipe(Layer.provide(configLayer(options)), Layer.provide(NodeServices.layer))

export const storyLayer = (options: GlobalOptions, library: { readonly createLibrary: boolean }, adjust?: (config: LoadedConfig) => LoadedConfig) =>
  Pipeline.layer.pipe(
    Layer.provideMerge(Layer.mergeAll(Calibre.layer(library), FanFicFare.layer)),
    Layer.provideMerge(configLayer(options, adjust)),
    Layer.provideMerge(NodeServices.layer)
  )

// The Coordinator over the story services, with the Store from the same configuration.
export const coordinatorLayer = <ROut, E, R>(services: Layer.Layer<ROut, E, R>) =>
  Coordinator.layer.pipe(Layer.provideMerge(Notifier.layer), Layer.provideMerge(storeFromConfig), Layer.provideMerge(services))

// The Coordinator and Sites, which names the stories of links a person gives (`once --url`).
export const storiesLayer = <ROut, E, R>(services: Layer.Layer<ROut, E, R>) =>
  Sites.layer.pipe(Layer.provideMerge(coordinatorLayer(services)))

// The mailbox reader beside the Coordinator, sharing its Store and configuration.
export const intakeLayer = <ROut, E, R>(services: Layer.Layer<ROut, E, R>) =>
  ImapSource.layer.pipe(Layer.provideMerge(storiesLayer(services)))

// Reading the Calibre library into the store (`import`): Calibre, Sites and the Store.
export const libraryImportLayer = (options: GlobalOptions) =>
  LibraryImport.layer.pipe(
    Layer.provideMerge(Layer.mergeAll(Calibre.layer({ createLibrary: false }), Sites.layer, storeFromConfig)),
    Layer.provideMerge(configLayer(options)),
    Layer.provideMerge(NodeServices.layer)
  )

// The watch sources (import, sweep, lists, feeds) beside the Coordinator, sharing its services.
export const watchLayer = <ROut, E, R>(services: Layer.Layer<ROut, E, R>) =>
  Watch.layer.pipe(Layer.provideMerge(LibraryImport.layer), Layer.provideMerge(services))
