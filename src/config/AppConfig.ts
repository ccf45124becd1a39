import { Context, Effect, FileSystem, Layer } from "effect"
import { ConfigError } from "./ConfigError.ts"
import { interpretConfig, type LoadedConfig } from "./interpret.ts"

// The decoded configuration: config.toml plus FFDL_* overrides. Problems are a ConfigError that
// lists all of them at once.

export interface ConfigSource {
  readonly path: string
  // A path the user named must exist; the default path may be absent, and then defaults apply.
  readonly explicit: boolean
  readonly environment: Readonly<Record<string, string | undefined>>
}

export const loadConfig = Effect.fn("AppConfig.load")(function* (source: ConfigSource) {
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

export class AppConfig extends Context.Service<AppConfig, LoadedConfig>()("automated-fanfic/config/AppConfig") {
  static readonly layer = (source: ConfigSource) => Layer.effect(AppConfig, loadConfig(source))
  static readonly layerFromText = (text: string, environment: Readonly<Record<string, string | undefined>> = {}) =>
    Layer.effect(AppConfig, Effect.fromResult(interpretConfig(text, "test.toml", environment)))
}
