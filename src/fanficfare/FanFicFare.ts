import { Context, Duration, Effect, FileSystem, Layer, Option, Predicate, Result, Schema } from "effect"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { AppConfig } from "../config/AppConfig.ts"
import { ConfigError } from "../config/ConfigError.ts"
import { projectRoot } from "../process/projectRoot.ts"
import { CommandRunner } from "../process/CommandRunner.ts"
import type { CommandResult } from "../process/runCommand.ts"
import { type StoryMetadata, parseJsonList, parseJsonMeta } from "./metadata.ts"
import { buildArgs, checkArgs, type FetchTarget, listArgs, newStoryFileName } from "./arguments.ts"
import type { StoryUrl } from "../stories/StoryUrl.ts"
import { classifyOutput, type FanFicFareOutcome } from "./outcome.ts"


export class FanFicFareUnavailable extends Schema.TaggedError<FanFicFareUnavailable>()("FanFicFareUnavailable", {
  executable: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `FanFicFare cannot run (${this.executable}): ${this.reason}. Run scripts/setup.sh, or set [fanficfare] path in the config.`
  }
}

interface CheckResult {
  /** What FanFicFare's answer came to. */
  readonly outcome: FanFicFareOutcome
  /** The story's metadata, when FanFicFare printed it. */
  readonly metadata: Option.Option<StoryMetadata>
}

export interface FetchResult {
  /** What the run came to. */
  readonly outcome: FanFicFareOutcome
  /** The story's metadata, when FanFicFare printed it. */
  readonly metadata: Option.Option<StoryMetadata>
  /** Where the story file is after the run (new downloads get a fixed name inside the work directory). */
  readonly epub: string
}

// default_ini/personal_ini name a file or, as AutomatedFanfic allows, the folder holding it.
// FanFicFare silently ignores a missing -c file, so a missing one is a configuration error here,
// naming the key and the path looked for.
const resolveIni = Effect.fnUntraced(function* (fs: FileSystem.FileSystem, configFile: string, key: "default_ini" | "personal_ini", configured: string, fileName: string) {
  if (configured === "") return undefined
  const info = yield* fs.stat(configured).pipe(Effect.option)
  const path = Option.isSome(info) && info.value.type === "Directory" ? join(configured, fileName) : configured
  if (!(yield* fs.exists(path).pipe(Effect.orElseSucceed(() => false)))) {
    return yield* new ConfigError({
      file: configFile,
      problems: [{
        key: `calibre.${key}`,
        source: configFile,
        message: `names ${path}, which does not exist; set it to your ${fileName} (or the folder holding it), or leave it empty`
      }]
    })
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
  /** The fanficfare program this service runs. */
  readonly executable: string
  /** Asked once, in the background from start-up on (FanFicFare takes over a second to start), then remembered. */
  readonly version: Effect.Effect<string, FanFicFareUnavailable>
  /** Downloads or updates one story in `workDir`. */
  fetch(workDir: string, target: FetchTarget): Effect.Effect<FetchResult, FanFicFareUnavailable>
  /** What the site says of a story now (chapters, last update), without downloading it. */
  check(workDir: string, url: StoryUrl): Effect.Effect<CheckResult, FanFicFareUnavailable>
  /** The story links on a page (--list): the links, or the outcome that explains why there are none. */
  list(workDir: string, page: string): Effect.Effect<Result.Result<ReadonlyArray<string>, FanFicFareOutcome>, FanFicFareUnavailable>
}>()("automated-fanfic/fanficfare/FanFicFare") {
  static readonly layer = Layer.effect(
    FanFicFare,
    Effect.gen(function* () {
      const { values: config, file: configFile } = yield* AppConfig
      const runner = yield* CommandRunner
      const executable = locateExecutable(config.fanficfare.path)
      // AutomatedFanfic's process.worker_timeout, never used there, is honoured here when set.
      const timeout = Duration.seconds(config.process.worker_timeout ?? config.fanficfare.timeout_seconds)
      const fs = yield* FileSystem.FileSystem
      const iniFiles = [
        yield* resolveIni(fs, configFile, "default_ini", config.calibre.default_ini, "defaults.ini"),
        yield* resolveIni(fs, configFile, "personal_ini", config.calibre.personal_ini, "personal.ini")
      ].filter(Predicate.isNotUndefined)

      const unavailable = (error: { readonly message: string }) =>
        new FanFicFareUnavailable({ executable, reason: error.message })

      const run = (workDir: string, args: ReadonlyArray<string>) =>
        runner.run({
          command: executable,
          args,
          cwd: workDir,
          // A private HOME keeps stray ~/.fanficfare files out; the user's ini files come in by -c.
          env: { PYTHONUNBUFFERED: "1", PYTHONIOENCODING: "utf-8", HOME: workDir, XDG_CONFIG_HOME: join(workDir, ".config") },
          timeout
        })

      const readVersion = Effect.gen(function* () {
        const result: CommandResult = yield* runner.run({ command: executable, args: ["--version"], timeout: "60 seconds" })
        const match = /Version:\s*(\S+)/.exec(result.stdout)
        if (result.exitCode !== 0 || match?.[1] === undefined) {
          return yield* new FanFicFareUnavailable({ executable, reason: `--version answered: ${(result.stderr || result.stdout).trim().slice(-300)}` })
        }
        return match[1]
      }).pipe(Effect.catchTags({ CommandNotFound: (e) => Effect.fail(unavailable(e)), CommandTimedOut: (e) => Effect.fail(unavailable(e)) }))
      const version = yield* Effect.cached(readVersion)
      yield* Effect.forkScoped(Effect.ignore(version))

      const fingerprint = (path: string) =>
        fs.stat(path).pipe(
          Effect.map((info) => `${info.size}:${Option.getOrElse(info.mtime, () => new Date(0)).getTime()}`),
          Effect.option
        )

      const unusableEpub = Effect.fnUntraced(function* (epub: string) {
        const info = yield* fs.stat(epub).pipe(Effect.option)
        if (Option.isNone(info)) return Option.some("the EPUB to update is missing")
        if (Number(info.value.size) === 0) return Option.some("the EPUB to update is empty (0 bytes)")
        return Option.none<string>()
      })

      const fetch = Effect.fn("FanFicFare.fetch")(function* (workDir: string, target: FetchTarget) {
        const epub = target._tag === "New" ? join(workDir, newStoryFileName) : target.epub
        const done = (outcome: FanFicFareOutcome, stdout = ""): FetchResult => ({ outcome, metadata: parseJsonMeta(stdout), epub })
        if (target._tag === "Update") {
          // FanFicFare would read a missing path as a URL and fail with "Unknown Site".
          const problem = yield* unusableEpub(target.epub)
          if (Option.isSome(problem)) return done({ _tag: "UnreadableEpub", detail: problem.value })
        }
        const before = yield* fingerprint(epub)
        const args = buildArgs(target, iniFiles)
        yield* Effect.logDebug("running FanFicFare", executable, ...args)
        const result = yield* run(workDir, args).pipe(
          Effect.catchTag("CommandNotFound", (e) => Effect.fail(unavailable(e))),
          Effect.catchTag("CommandTimedOut", (e) => Effect.succeed(e))
        )
        if (!("exitCode" in result)) return done({ _tag: "TimedOut", seconds: result.seconds })
        const outcome = classifyOutput(result)
        if (outcome._tag === "Written" || outcome._tag === "Updated") {
          // Success also means the file is there and is not the one we started with.
          const after = yield* fingerprint(epub)
          if (Option.isNone(after) || Option.makeEquivalence((a: string, b: string) => a === b)(before, after)) {
            return done({ _tag: "Unrecognised", exitCode: result.exitCode, lastLines: `FanFicFare reported success but ${epub} ${Option.isNone(after) ? "was not written" : "did not change"}` }, result.stdout)
          }
        }
        return done(outcome, result.stdout)
      })

      const check = Effect.fn("FanFicFare.check")(function* (workDir: string, url: StoryUrl) {
        const result = yield* run(workDir, checkArgs(url, iniFiles)).pipe(
          Effect.catchTag("CommandNotFound", (e) => Effect.fail(unavailable(e))),
          Effect.catchTag("CommandTimedOut", (e) => Effect.succeed(e))
        )
        if (!("exitCode" in result)) return { outcome: { _tag: "TimedOut", seconds: result.seconds }, metadata: Option.none() } satisfies CheckResult
        const metadata = parseJsonMeta(result.stdout)
        const outcome = classifyOutput(result)
        // Without a failure message the run "wrote" nothing but the metadata, which must be there.
        if (outcome._tag === "Written" && Option.isNone(metadata)) {
          return { outcome: { _tag: "Unrecognised", exitCode: result.exitCode, lastLines: "FanFicFare --meta-only printed no metadata" }, metadata } satisfies CheckResult
        }
        return { outcome, metadata } satisfies CheckResult
      })

      const list = Effect.fn("FanFicFare.list")(function* (workDir: string, page: string) {
        const result = yield* run(workDir, listArgs(page, iniFiles)).pipe(
          Effect.catchTag("CommandNotFound", (e) => Effect.fail(unavailable(e))),
          Effect.catchTag("CommandTimedOut", (e) => Effect.succeed(e))
        )
        if (!("exitCode" in result)) return Result.fail<FanFicFareOutcome>({ _tag: "TimedOut", seconds: result.seconds })
        const links = parseJsonList(result.stdout)
        if (Option.isSome(links)) return Result.succeed(links.value)
        // A page with no story links prints this instead of JSON.
        if (result.exitCode === 0 && /^No valid story URLs found$/m.test(result.stdout)) return Result.succeed([])
        const outcome = classifyOutput(result)
        return Result.fail<FanFicFareOutcome>(outcome._tag === "Written" ? { _tag: "Unrecognised", exitCode: result.exitCode, lastLines: result.stdout.trim().slice(-300) } : outcome)
      })

      return FanFicFare.of({ executable, version, fetch, check, list })
    })
  ).pipe(Layer.provide(CommandRunner.layer))
}
