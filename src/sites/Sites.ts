import { Context, Effect, Layer } from "effect"
import { AppConfig } from "../config/AppConfig.ts"
import { locateExecutable } from "../fanficfare/FanFicFare.ts"
import { CommandRunner } from "../process/CommandRunner.ts"
import { classifyKnownLink, type LinkVerdict } from "./knownSites.ts"
import { locatePython, locateScript, makeFanFicFareSites, type NormalizedStory, type SitesUnavailable } from "./fanFicFareSites.ts"
import { siteIdOfHost, storyRef } from "./siteId.ts"
import { unwrapLink } from "./unwrap.ts"

// Which story, if any, each link names. Known sites are read by our own rules; links on any other
// host FanFicFare supports are answered by FanFicFare in one call per batch.

export type Identified = Exclude<LinkVerdict, { readonly _tag: "AskFanFicFare" }>

interface FanFicFareSiteRules {
  /** The hosts FanFicFare has an adapter for. */
  readonly domains: Effect.Effect<{ readonly domains: ReadonlyArray<string> }, SitesUnavailable>
  /** Each link's story as FanFicFare names it, or null where it names none. */
  readonly normalize: (urls: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<NormalizedStory | null>, SitesUnavailable>
}

const notAStory: Identified = { _tag: "NotAStory" }
const rememberedAnswers = 20_000

const firstPass = (link: string): LinkVerdict =>
  URL.canParse(link.trim()) ? classifyKnownLink(unwrapLink(new URL(link.trim()))) : notAStory

const fromFanFicFare = (answer: NormalizedStory | null | undefined): Identified =>
  answer === null || answer === undefined
    ? notAStory
    : { _tag: "Story", story: storyRef(siteIdOfHost(answer.site), answer.storyId, answer.url) }

export const makeSites = (fanFicFare: FanFicFareSiteRules) => {
  let supportedHosts: ReadonlySet<string> | undefined
  const answers = new Map<string, Identified>()

  const hosts = Effect.gen(function* () {
    supportedHosts ??= new Set((yield* fanFicFare.domains).domains)
    return supportedHosts
  })
  const supported = (known: ReadonlySet<string>, url: string) => {
    const host = new URL(url).hostname.toLowerCase()
    return known.has(host) || known.has(host.replace(/^www\./, "")) || known.has(`www.${host}`)
  }

  const identify = Effect.fn("Sites.identify")(function* (links: ReadonlyArray<string>) {
    const verdicts = links.map(firstPass)
    const asked = [...new Set(verdicts.flatMap((verdict) => (verdict._tag === "AskFanFicFare" && !answers.has(verdict.url) ? [verdict.url] : [])))]
    if (asked.length > 0) {
      const known = yield* hosts
      const candidates = asked.filter((url) => supported(known, url))
      for (const url of asked) if (!supported(known, url)) answers.set(url, notAStory)
      if (candidates.length > 0) {
        const stories = yield* fanFicFare.normalize(candidates)
        candidates.forEach((url, index) => answers.set(url, fromFanFicFare(stories[index])))
      }
      // Forget the oldest answers first; a Map iterates in insertion order.
      for (const url of answers.keys()) {
        if (answers.size <= rememberedAnswers) break
        answers.delete(url)
      }
    }
    return verdicts.map((verdict): Identified => (verdict._tag === "AskFanFicFare" ? answers.get(verdict.url) ?? notAStory : verdict))
  })
  return { identify }
}

export class Sites extends Context.Service<Sites, {
  /** Which story, if any, each link names, in the order given. */
  identify(links: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<Identified>, SitesUnavailable>
}>()("automated-fanfic/sites/Sites") {
  static readonly layer = Layer.effect(
    Sites,
    Effect.gen(function* () {
      const config = (yield* AppConfig).values
      const python = locatePython(config.fanficfare.python, locateExecutable(config.fanficfare.path))
      return Sites.of(makeSites(makeFanFicFareSites(python, locateScript(), yield* CommandRunner)))
    })
  ).pipe(Layer.provide(CommandRunner.layer))
}
