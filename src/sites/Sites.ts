import { Cache, Context, Duration, Effect, Exit, Layer } from "effect"
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

export const makeSites = Effect.fnUntraced(function* (fanFicFare: FanFicFareSiteRules) {
  // Asked once; after a failure, asked again the next time.
  const hosts = yield* Effect.cachedWithTTL(
    Effect.map(fanFicFare.domains, ({ domains }): ReadonlySet<string> => new Set(domains)),
    (exit) => (Exit.isSuccess(exit) ? Duration.infinity : Duration.zero)
  )
  const supported = (known: ReadonlySet<string>, url: string) => {
    const host = new URL(url).hostname.toLowerCase()
    return known.has(host) || known.has(host.replace(/^www\./, "")) || known.has(`www.${host}`)
  }

  // One call for all the links on hosts FanFicFare supports; a link on any other host names no story.
  const ask = Effect.fnUntraced(function* (urls: ReadonlyArray<string>) {
    const known = yield* hosts
    const candidates = urls.filter((url) => supported(known, url))
    const stories = candidates.length === 0 ? [] : yield* fanFicFare.normalize(candidates)
    const answered = new Map(candidates.map((url, index) => [url, fromFanFicFare(stories[index])]))
    return urls.map((url) => answered.get(url) ?? notAStory)
  })

  // The answers used most recently. A batch's new links are asked together and stored before they
  // are read, so the lookup (one link on its own) runs only for one forgotten in between.
  const answers = yield* Cache.makeWith((url: string) => Effect.map(ask([url]), ([answer]) => answer ?? notAStory), {
    capacity: rememberedAnswers,
    timeToLive: (exit) => (Exit.isSuccess(exit) ? Duration.infinity : Duration.zero)
  })

  const identify = Effect.fn("Sites.identify")(function* (links: ReadonlyArray<string>) {
    const verdicts = links.map(firstPass)
    const asking = [...new Set(verdicts.flatMap((verdict) => (verdict._tag === "AskFanFicFare" ? [verdict.url] : [])))]
    const unknown = yield* Effect.filter(asking, (url) => Effect.map(Cache.has(answers, url), (known) => !known))
    if (unknown.length > 0) {
      const found = yield* ask(unknown)
      yield* Effect.forEach(unknown, (url, index) => Cache.set(answers, url, found[index] ?? notAStory))
    }
    return yield* Effect.forEach(verdicts, (verdict) => (verdict._tag === "AskFanFicFare" ? Cache.get(answers, verdict.url) : Effect.succeed(verdict)))
  })
  return { identify }
})

export class Sites extends Context.Service<Sites, {
  /** Which story, if any, each link names, in the order given. */
  identify(links: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<Identified>, SitesUnavailable>
}>()("automated-fanfic/sites/Sites") {
  static readonly layer = Layer.effect(
    Sites,
    Effect.gen(function* () {
      const config = (yield* AppConfig).values
      const python = locatePython(config.fanficfare.python, locateExecutable(config.fanficfare.path))
      return Sites.of(yield* makeSites(makeFanFicFareSites(python, locateScript(), yield* CommandRunner)))
    })
  ).pipe(Layer.provide(CommandRunner.layer))
}
