import { Effect, Schema } from "effect"
import { join } from "node:path"
import { locatePython } from "../sites/fanFicFareSites.ts"
import { locateExecutable } from "../fanficfare/FanFicFare.ts"
import { projectRoot } from "../process/projectRoot.ts"
import { CommandRunner } from "../process/CommandRunner.ts"
import type { ConfigFile } from "../config/ConfigSchema.ts"

// Chapter counts of EPUBs as FanFicFare itself counts them for `-u`, many files per call,
// without network: scripts/epub_chapters.py.

export class ChapterCountFailed extends Schema.TaggedError<ChapterCountFailed>()("ChapterCountFailed", {
  python: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `cannot count the chapters of library books with ${this.python}: ${this.reason}. Check [fanficfare] python (it must import FanFicFare).`
  }
}

const decodeCounts = Schema.decodeUnknownEffect(Schema.fromJsonString(Schema.Array(Schema.NullOr(Schema.Int))))
const batch = 200

export const makeChapterCounter = Effect.fnUntraced(function* (config: ConfigFile) {
  const runner = yield* CommandRunner
  const python = locatePython(config.fanficfare.python, locateExecutable(config.fanficfare.path))
  const script = join(projectRoot() ?? process.cwd(), "scripts", "epub_chapters.py")
  const failed = (reason: string) => new ChapterCountFailed({ python, reason })

  const countBatch = (paths: ReadonlyArray<string>) =>
    runner.run({ command: python, args: [script], input: JSON.stringify(paths), timeout: "300 seconds", env: { PYTHONIOENCODING: "utf-8" } }).pipe(
      Effect.mapError((error) => failed(error.message)),
      Effect.flatMap((result) =>
        result.exitCode === 0
          ? Effect.mapError(decodeCounts(result.stdout), (error) => failed(`unreadable answer: ${error.message}`))
          : Effect.fail(failed(`exit ${result.exitCode}: ${result.stderr.trim().split("\n").slice(-2).join(" ")}`)))
    )

  return Effect.fn("epubChapters")(function* (paths: ReadonlyArray<string>) {
    const counts: Array<number | null> = []
    for (let start = 0; start < paths.length; start += batch) counts.push(...(yield* countBatch(paths.slice(start, start + batch))))
    return counts
  })
})
