import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { readFileSync } from "node:fs"
import { postLinkReason } from "../../src/sites/knownSites.ts"
import { makeSites } from "../../src/sites/Sites.ts"
import { fanficfareAdaptersPath } from "../support/paths.ts"

// Story keys over material this project did not write: every example link of every FanFicFare
// adapter, and each adapter's first example on every other host it accepts, with FanFicFare's own
// reading of each (test/fixtures/fanficfare-adapters/generate.py). Two links name one story when
// FanFicFare gives them one canonical link; the key must say the same, in both directions.

const Reading = Schema.NullOr(Schema.Struct({ url: Schema.String, site: Schema.String, storyId: Schema.String }))
const Example = Schema.Struct({ link: Schema.String, fanficfare: Reading })
const Fixture = Schema.Struct({
  fanficfareVersion: Schema.String,
  adapters: Schema.Array(Schema.Struct({
    adapter: Schema.String,
    site: Schema.String,
    hosts: Schema.Array(Schema.String),
    examples: Schema.Array(Example),
    onOtherHosts: Schema.Array(Example)
  }))
})
const fixture = Schema.decodeUnknownSync(Schema.fromJsonString(Fixture))(readFileSync(fanficfareAdaptersPath, "utf8"))
const links = fixture.adapters.flatMap((adapter) => [...adapter.examples, ...adapter.onOtherHosts].map((example) => ({ ...example, adapter: adapter.adapter })))
// Sites.identify passes links on as the URL parser writes them (http://test1.com/?sid=1).
const readings = new Map(links.flatMap((example) => {
  const written = URL.canParse(example.link) ? new URL(example.link).href : example.link
  return [[example.link, example.fanficfare], [written, example.fanficfare]] as const
}))

// FanFicFare's answers from the fixture, in place of the Python call.
const sites = Effect.runSync(makeSites({
  domains: Effect.succeed({ domains: fixture.adapters.flatMap((adapter) => adapter.hosts) }),
  normalize: (urls) => Effect.succeed(urls.map((url) => readings.get(url) ?? null))
}))

// FanFicFare's canonical link, less what it keeps but does not read: "www." on hosts that answer
// both ways, and the title after fanfiction.net's and fictionpress.com's story number.
const storyOf = (canonical: string) => {
  const url = new URL(canonical)
  const path = /(?:fanfiction\.net|fictionpress\.com)$/.test(url.hostname) ? url.pathname.replace(/^(\/s\/\d+\/\d+\/).+$/, "$1") : url.pathname
  return `${url.hostname.replace(/^www\./, "")}${path}${url.search}`
}

const identified = Effect.runSync(sites.identify(links.map((example) => example.link)))
const keyed = links.flatMap((example, index) => {
  const verdict = identified[index]
  return verdict?._tag === "Story" && example.fanficfare !== null ? [{ ...example, key: verdict.story.key, story: storyOf(example.fanficfare.url) }] : []
})

const groupBy = <K, V>(items: ReadonlyArray<V>, keyOf: (item: V) => K) => {
  const groups = new Map<K, Array<V>>()
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item])
  return groups
}
const spread = <V>(groups: Map<string, Array<V>>, other: (item: V) => string) =>
  [...groups].flatMap(([key, items]) => (new Set(items.map(other)).size > 1 ? [`${key}: ${[...new Set(items.map(other))].join(" | ")}`] : []))

describe(`story keys for every FanFicFare ${fixture.fanficfareVersion} adapter`, () => {
  it("reads the fixture FanFicFare made: 111 adapters, 241 example links", () => {
    expect(fixture.adapters).toHaveLength(111)
    expect(fixture.adapters.flatMap((adapter) => adapter.examples)).toHaveLength(241)
  })

  it("gives no two distinct stories one key", () => {
    expect(spread(groupBy(keyed, (example) => example.key), (example) => example.story)).toEqual([])
  })

  it("gives no two shapes of one story two keys", () => {
    expect(spread(groupBy(keyed, (example) => example.story), (example) => example.key)).toEqual([])
  })

  it("keys every link FanFicFare reads, except forum post links, refused with the reason", () => {
    const refused = links.flatMap((example, index) => {
      const verdict = identified[index]
      return example.fanficfare !== null && verdict?._tag !== "Story" ? [{ link: example.link, verdict }] : []
    })
    expect(refused.map(({ link }) => link)).toEqual([
      "https://althistory.com/posts/123456/",
      "https://forum.questionablequesting.com/posts/123456/",
      "https://forums.spacebattles.com/posts/123456/",
      "https://forums.sufficientvelocity.com/posts/123456/",
      "https://www.alternatehistory.com/forum/posts/123456/",
      "https://www.the-sietch.com/index.php?posts/123456/"
    ])
    for (const { verdict } of refused) expect(verdict).toEqual({ _tag: "NotAStory", reason: postLinkReason })
    })
})
