import { Effect, Schema } from "effect"
import { closeSync, existsSync, openSync, readSync } from "node:fs"
import { dirname, join } from "node:path"
import { projectRoot } from "../process/projectRoot.ts"
import type { CommandRunner } from "../process/CommandRunner.ts"

// FanFicFare's own answer to "which story is this link?", for the sites knownSites.ts has no
// rules for: scripts/fanficfare_sites.py asks FanFicFare's adapters, many links per call.

export class SitesUnavailable extends Schema.TaggedError<SitesUnavailable>()("SitesUnavailable", {
  python: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `cannot ask FanFicFare which links are stories (${this.python}): ${this.reason}. ` +
      `Run scripts/setup.sh, or set [fanficfare] python to the Python that has FanFicFare installed.`
  }
}

const DomainsAnswer = Schema.Struct({ version: Schema.String, domains: Schema.Array(Schema.String) })
const NormalizedStory = Schema.Struct({ url: Schema.String, site: Schema.String, storyId: Schema.String })
export type NormalizedStory = typeof NormalizedStory.Type
const NormalizeAnswer = Schema.Struct({ version: Schema.String, stories: Schema.Array(Schema.NullOr(NormalizedStory)) })
const decodeDomains = Schema.decodeUnknownEffect(Schema.fromJsonString(DomainsAnswer))
const decodeNormalized = Schema.decodeUnknownEffect(Schema.fromJsonString(NormalizeAnswer))

const firstLine = (path: string): string => {
  const buffer = Buffer.alloc(256)
  const fd = openSync(path, "r")
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString("utf8").split("\n")[0] ?? ""
  } finally {
    closeSync(fd)
  }
}

// The interpreter that can import FanFicFare: configured, else the virtualenv's python beside the
// program, else its #! line (pip-installed scripts name their interpreter there), else python3.
export const locatePython = (configured: string, fanFicFare: string): string => {
  if (configured !== "") return configured
  if (!fanFicFare.includes("/")) return "python3"
  const beside = join(dirname(fanFicFare), "python3")
  if (existsSync(beside)) return beside
  const shebang = existsSync(fanFicFare) ? /^#!\s*(\S*python[\d.]*)\s*$/.exec(firstLine(fanFicFare)) : null
  return shebang?.[1] ?? "python3"
}

export const locateScript = (): string => join(projectRoot() ?? process.cwd(), "scripts", "fanficfare_sites.py")

export const makeFanFicFareSites = (python: string, script: string, runner: CommandRunner["Service"]) => {
  const ask = (request: object) =>
    runner.run({ command: python, args: [script], input: JSON.stringify(request), timeout: "120 seconds", env: { PYTHONIOENCODING: "utf-8" } }).pipe(
      Effect.flatMap((result) =>
        result.exitCode === 0
          ? Effect.succeed(result.stdout)
          : Effect.fail(new SitesUnavailable({ python, reason: `exit ${result.exitCode}: ${result.stderr.trim().split("\n").slice(-3).join(" ")}` }))
      ),
      Effect.catchTags({
        CommandNotFound: (error) => Effect.fail(new SitesUnavailable({ python, reason: error.message })),
        CommandTimedOut: (error) => Effect.fail(new SitesUnavailable({ python, reason: error.message }))
      })
    )
  const unreadable = (error: { readonly message: string }) => new SitesUnavailable({ python, reason: `unreadable answer: ${error.message}` })
  return {
    domains: ask({ op: "domains" }).pipe(Effect.flatMap((text) => Effect.mapError(decodeDomains(text), unreadable))),
    normalize: (urls: ReadonlyArray<string>) =>
      ask({ op: "normalize", urls }).pipe(
        Effect.flatMap((text) => Effect.mapError(decodeNormalized(text), unreadable)),
        Effect.map((answer) => answer.stories)
      )
  }
}
