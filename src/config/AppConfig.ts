import { Context, Effect, FileSystem, Layer } from "effect"
import { join } from "node:path"
import { ConfigError } from "./ConfigError.ts"
import { dataDirectory } from "./dataDir.ts"
import { GlobalOptions, type StartOptions } from "./GlobalOptions.ts"
import { interpretConfig, type LoadedConfig } from "./interpret.ts"

// The decoded configuration: config.toml plus FFDL_* overrides. Problems are a ConfigError that
// lists all of them at once.

interface ConfigSource {
  /** The file to read. */
  readonly path: string
  /** A path the user named must exist; the default path may be absent, and then defaults apply. */
  readonly explicit: boolean
  /** Where the FFDL_* overrides come from. */
  readonly environment: Readonly<Record<string, string | undefined>>
}

/** The configuration a run uses, and the data folder it leads to. */
interface Configuration extends LoadedConfig {
  /** Where the job store and the daemon's health file live (dataDir.ts says how it is chosen). */
  readonly dataDir: string
  /**
   * The folder calibre keeps its settings in: $CALIBRE_CONFIG_DIRECTORY when the user names one,
   * else one in the data folder (a hardened service may have no writable home).
   */
  readonly calibreConfigDir: string
}

const defaultConfigPath = "config.toml"

// --config, else $AUTOMATED_FANFIC_CONFIG, else ./config.toml if present.
const configSource = (options: StartOptions): ConfigSource => {
  const named = options.config ?? options.environment["AUTOMATED_FANFIC_CONFIG"]
  return { path: named ?? defaultConfigPath, explicit: named !== undefined, environment: options.environment }
}

const loadConfig = Effect.fn("AppConfig.load")(function* (source: ConfigSource) {
  const fs = yield* FileSystem.FileSystem
  const fail = (message: string) =>
    new ConfigError({ file: source.path, problems: [{ key: "", source: source.path, message }] })
  const exists = yield* fs.exists(source.path).pipe(Effect.orElseSucceed(() => false))
  if (!exists) {
    if (source.explicit) {
      return yield* fail("file not found; copy config.example.toml there and edit it, or pass --config with the right path")
    }
    return yield* Effect.fromResult(interpretConfig("", `${source.path} (absent: defaults)`, source.environment))
  }
  const text = yield* fs.readFileString(source.path).pipe(
    Effect.mapError((error) => fail(`cannot be read (${error.message}); check the path and its permissions`))
  )
  return yield* Effect.fromResult(interpretConfig(text, source.path, source.environment))
})

const withDataDir = (environment: Readonly<Record<string, string | undefined>>) => (config: LoadedConfig): Configuration => {
  const dataDir = dataDirectory(config.values, environment)
  return { ...config, dataDir, calibreConfigDir: environment["CALIBRE_CONFIG_DIRECTORY"] || join(dataDir, "calibre-config") }
}

export class AppConfig extends Context.Service<AppConfig, Configuration>()("automated-fanfic/config/AppConfig") {
  // The file and environment the program was started with.
  static readonly layer = Layer.effect(
    AppConfig,
    Effect.gen(function* () {
      const options = yield* GlobalOptions
      return withDataDir(options.environment)(yield* loadConfig(configSource(options)))
    })
  )
  static readonly layerFromText = (text: string, environment: Readonly<Record<string, string | undefined>> = {}) =>
    Layer.effect(AppConfig, Effect.map(Effect.fromResult(interpretConfig(text, "test.toml", environment)), withDataDir(environment)))
}
