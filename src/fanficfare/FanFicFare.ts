import { Context, Duration, Effect, FileSystem, Layer, Option, Predicate, Schema } from "effect"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { AppConfig } from "../config/AppConfig.ts"
import type { UpdateMethod } from "../config/ConfigSchema.ts"
import { projectRoot } from "../process/projectRoot.ts"
import { type CommandResult, makeCommandRunner } from "../process/runCommand.ts"
import type { StoryUrl } from "../stories/StoryUrl.ts"
import { type StoryMetadata, parseJsonMeta } from "./metadata.ts"
import { classifyOutput, type FanFicFareOutcome } from "./outcome.ts"

export class FanFicFareUnavailable extends Schema.TaggedError<FanFicFareUnavailable>()("FanFicFareUnavailable", {
  executable: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `FanFicFare cannot run (${this.executable}): ${this.reason}. Run scripts/setup.sh, or set [fanficfare] path in the config.`
  }
}

export type FetchTarget =
  | { readonly _tag: "New"; readonly url: StoryUrl }
  | { readonly _tag: "Update"; readonly epub: string; readonly method: UpdateMethod }

export interface FetchResult {
  readonly outcome: FanFicFareOutcome
  readonly metadata: Option.Option<StoryMetadata>
  // Where the story file is after the run (new downloads get a fixed name inside the work directory).
  readonly epub: string
}

export const newStoryFileName = "story.epub"

// Update flags per update_method. update_no_force never forces, whatever else asks.
const updateFlags: Record<UpdateMethod, ReadonlyArray<string>> = {
  update: ["-u"],
  update_always: ["-U"],
  force: ["-u", "--force"],
  update_no_force: ["-u"]
}

export const buildArgs = (target: FetchTarget, iniFiles: ReadonlyArray<string>): ReadonlyArray<string> => {
  const common = ["--non-interactive", "--json-meta", ...iniFiles.flatMap((file) => ["-c", file])]
  if (target._tag === "New") {
    return [...common, "-o", `output_filename=${newStoryFileName}`, "--", target.url]
  }
  // The EPUB was just exported, so its mtime is "now"; always_overwrite stops FanFicFare from
  // reading that as "file newer than story" and skipping, while still updating incrementally.
  return [...common, ...updateFlags[target.method], "-o", "always_overwrite=true", "--", target.epub]
}

// default_ini/personal_ini name a file or, as AutomatedFanfic allows, the folder holding it.
// FanFicFare silently ignores a missing -c file, so a missing one is an error here.
const resolveIni = Effect.fnUntraced(function* (fs: FileSystem.FileSystem, key: string, configured: string, fileName: string) {
  if (configured === "") return undefined
  const info = yield* fs.stat(configured).pipe(Effect.option)
  const path = Option.isSome(info) && info.value.type === "Directory" ? join(configured, fileName) : configured
  if (!(yield* fs.exists(path).pipe(Effect.orElseSucceed(() => false)))) {
    return yield* new FanFicFareUnavailable({ executable: key, reason: `${path} does not exist; fix [calibre] ${key} or leave it empty` })
  }
  return path
})

export const locateExecutable = (configured: string): string => {
  if (configured !== "") return configured
  const root = projectRoot()
  const bundled = root === undefined ? undefined : join(root, ".venv", "bin", "fanficfare")
  return bundled !== undefined && existsSync(bundled) ? bundled : "fanficfare"
}

export class FanFicFare extends Context.Service<FanFicFare, {
  readonly executable: string
  readonly version: Effect.Effect<string, FanFicFareUnavailable>
  fetch(workDir: string, target: FetchTarget): Effect.Effect<FetchResult, FanFicFareUnavailable>
}>()("automated-fanfic/fanficfare/FanFicFare") {
  static readonly layer = Layer.effect(
    FanFicFare,
    Effect.gen(function* () {
      const config = (yield* AppConfig).values
      const runCommand = yield* makeCommandRunner
      const executable = locateExecutable(config.fanficfare.path)
      // AutomatedFanfic's process.worker_timeout, never used there, is honoured here when set.
      const timeout = Duration.seconds(config.process.worker_timeout ?? config.fanficfare.timeout_seconds)
      const fs = yield* FileSystem.FileSystem
      const iniFiles = [
        yield* resolveIni(fs, "default_ini", config.calibre.default_ini, "defaults.ini"),
        yield* resolveIni(fs, "personal_ini", config.calibre.personal_ini, "personal.ini")
      ].filter(Predicate.isNotUndefined)

      const unavailable = (error: { readonly message: string }) =>
        new FanFicFareUnavailable({ executable, reason: error.message })

      const run = (workDir: string, args: ReadonlyArray<string>) =>
        runCommand({
          command: executable,
          args,
          cwd: workDir,
          // A private HOME keeps stray ~/.fanficfare files out; the user's ini files come in by -c.
          env: { PYTHONUNBUFFERED: "1", PYTHONIOENCODING: "utf-8", HOME: workDir, XDG_CONFIG_HOME: join(workDir, ".config") },
          timeout
        })

      const version = Effect.gen(function* () {
        const result: CommandResult = yield* runCommand({ command: executable, args: ["--version"], timeout: "60 seconds" })
        const match = /Version:\s*(\S+)/.exec(result.stdout)
        if (result.exitCode !== 0 || match?.[1] === undefined) {
          return yield* new FanFicFareUnavailable({ executable, reason: `--version answered: ${(result.stderr || result.stdout).trim().slice(-300)}` })
        }
        return match[1]
      }).pipe(Effect.catchTags({ CommandNotFound: (e) => Effect.fail(unavailable(e)), CommandTimedOut: (e) => Effect.fail(unavailable(e)) }))

      const fetch = Effect.fn("FanFicFare.fetch")(function* (workDir: string, target: FetchTarget) {
        const args = buildArgs(target, iniFiles)
        yield* Effect.logDebug("running FanFicFare", executable, ...args)
        const result = yield* run(workDir, args).pipe(
          Effect.catchTags({
            CommandNotFound: (e) => Effect.fail(unavailable(e)),
            CommandTimedOut: (e) =>
              Effect.succeed<CommandResult>({ exitCode: -1, stdout: "", stderr: e.message })
          })
        )
        const outcome = classifyOutput(result)
        const epub = target._tag === "New" ? join(workDir, newStoryFileName) : target.epub
        return { outcome, metadata: parseJsonMeta(result.stdout), epub }
      })

      return FanFicFare.of({ executable, version, fetch })
    })
  )
}
