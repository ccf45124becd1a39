import { NodeServices } from "@effect/platform-node"
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { AppConfig } from "../../src/config/AppConfig.ts"
import { classifyKnownLink } from "../../src/sites/knownSites.ts"
import { Sites } from "../../src/sites/Sites.ts"
import { locatePython, locateScript, makeFanFicFareSites } from "../../src/sites/fanFicFareSites.ts"
import { locateExecutable } from "../../src/fanficfare/FanFicFare.ts"
import { CommandRunner } from "../../src/process/CommandRunner.ts"
import { siteIdOfHost } from "../../src/sites/siteId.ts"
import { requireRealComponents } from "../support/components.ts"

// Our own link rules must name every story as FanFicFare itself does, or the Store and Calibre
// would see two stories where FanFicFare sees one.

const linksOurRulesKnow = [
  "https://m.fanfiction.net/s/7654321/2/", "https://www.fictionpress.com/s/555/3/A-Title", "https://archiveofourown.org/works/11111/chapters/22222",
  "https://archiveofourown.org/collections/Some_Archive/works/33333", "https://forums.spacebattles.com/threads/some-story-title.123456/page-5",
  "https://forums.spacebattles.com/threads/123456/", "https://forums.sufficientvelocity.com/threads/ledger.90011/threadmarks",
  "https://forum.questionablequesting.com/threads/q.777/", "https://www.alternatehistory.com/forum/threads/what-if.4242/",
  "https://althistory.com/threads/other-forum.4242/", "https://www.the-sietch.com/index.php?threads/dune.77/",
  "https://www.royalroad.com/fiction/12345/t/chapter/678910/one", "https://www.scribblehub.com/read/12345-some-title/chapter/999/",
  "https://www.wattpad.com/story/355512345-a-title", "https://www.fimfiction.net/story/4321/a-pony-tale"
]

const config = AppConfig.layerFromText("")

describe("our link rules agree with FanFicFare", () => {
  requireRealComponents()
  it.effect("same site and story id, and FanFicFare accepts our canonical link", () =>
    Effect.gen(function* () {
      const values = (yield* AppConfig).values
      const fanFicFare = makeFanFicFareSites(locatePython("", locateExecutable(values.fanficfare.path)), locateScript(), yield* CommandRunner)
      const ours = linksOurRulesKnow.map((link) => classifyKnownLink(new URL(link)))
      const canonical = ours.map((verdict) => (verdict._tag === "Story" ? verdict.story.url : "not a story"))
      const theirs = yield* fanFicFare.normalize([...linksOurRulesKnow, ...canonical])
      const keyOf = (index: number) => {
        const answer = theirs[index]
        return answer === null || answer === undefined ? null : `${siteIdOfHost(answer.site)}:${answer.storyId}`
      }
      linksOurRulesKnow.forEach((link, index) => {
        const verdict = ours[index]
        expect(verdict?._tag, link).toBe("Story")
        const key = verdict?._tag === "Story" ? verdict.story.key : ""
        expect(keyOf(index), link).toBe(key)
        expect(keyOf(linksOurRulesKnow.length + index), `${link} → ${canonical[index]}`).toBe(key)
      })
    }).pipe(Effect.provide(Layer.mergeAll(config, CommandRunner.layer)), Effect.provide(NodeServices.layer)))
})

layer(Sites.layer.pipe(Layer.provide(config), Layer.provide(NodeServices.layer)))("Sites with the real FanFicFare", (it) => {
  it.effect("names stories on sites only FanFicFare knows, in one call", () =>
    Effect.gen(function* () {
      const results = yield* (yield* Sites).identify(["http://test1.com?sid=61", "https://ficwad.com/story/12345", "https://www.example.com/not/a/story", "http://www.test2.com/?sid=7"])
      expect(results.map((result) => (result._tag === "Story" ? [result.story.key, result.story.url] : result._tag))).toEqual([
        ["test1:61", "http://test1.com?sid=61"],
        ["ficwad:12345", "https://ficwad.com/story/12345"],
        "NotAStory",
        ["test2:7", "http://test2.com?sid=7"]
      ])
    }))
})
