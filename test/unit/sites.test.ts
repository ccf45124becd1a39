import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { classifyKnownLink, postLinkReason } from "../../src/sites/knownSites.ts"
import { locatePython, SitesUnavailable } from "../../src/sites/fanFicFareSites.ts"
import { makeSites } from "../../src/sites/Sites.ts"
import { siteIdOfHost, storyKeyOf } from "../../src/sites/siteId.ts"
import { unwrapLink } from "../../src/sites/unwrap.ts"

const verdict = (link: string) => classifyKnownLink(unwrapLink(new URL(link)))
const keyOf = (link: string) => {
  const result = verdict(link)
  return result._tag === "Story" ? `${result.story.key} ${result.story.url}` : result._tag === "NeedsLookup" ? `lookup ${result.kind}` : result._tag
}

describe("site identifiers", () => {
  it.each([
    ["fanficauthors", "A_Story", "https://abraxan.fanficauthors.net/A_Story/", "fanficauthors:abraxan/A_Story"],
    ["adult-fanfiction", "12", "https://hp.adult-fanfiction.org/story.php?no=12", "adult-fanfiction:hp/12"],
    ["literotica", "a-title", "https://german.literotica.com/s/a-title", "literotica:german/a-title"],
    ["literotica", "99", "https://www.literotica.com/series/se/99", "literotica:www/series/99"],
    ["syosetu", "n1234ab", "https://novel18.syosetu.com/n1234ab/", "syosetu:novel18/n1234ab"],
    ["dokuga", "7", "http://www.dokuga.com/spark/story/7", "dokuga:spark/7"],
    ["themasque", "8", "https://themasque.net/wiktt/efiction/viewstory.php?sid=8", "themasque:wiktt/8"],
    ["lcfanfic", "name", "http://lcfanfic.com/stories/2017/html/name", "lcfanfic:2017/name"],
    ["storiesonline", "5", "https://storiesonline.net/n/5/title", "storiesonline:n/5"],
    ["sinful-dreams", "6", "http://sinful-dreams.com/wicked/temptation/viewstory.php?sid=6", "sinful-dreams:wicked/6"],
    ["archiveofourown", "11", "https://archiveofourown.org/works/11", "archiveofourown:11"],
    ["mcstories", "x", "https://www.mcstories.com/x/", "mcstories:x"]
  ])("key a %s story by the part its ids are unique in", (site, storyId, url, key) => expect(storyKeyOf(site, storyId, url)).toBe(key))

  it("name sites as AutomatedFanfic's disabled_sites does", () => {
    expect(["www.fanfiction.net", "archiveofourown.org", "forums.spacebattles.com", "forum.questionablequesting.com", "fiction.live", "test1.com", "www.royalroad.com", "m.fanfiction.net"].map(siteIdOfHost))
      .toEqual(["fanfiction", "archiveofourown", "spacebattles", "questionablequesting", "fiction", "test1", "royalroad", "m"])
  })
})

describe("known site rules", () => {
  it.each([
    ["https://m.fanfiction.net/s/7654321/2/", "fanfiction:7654321 https://www.fanfiction.net/s/7654321/1/"],
    ["https://www.fanfiction.net/s/1234567/3/Some-Story-Title", "fanfiction:1234567 https://www.fanfiction.net/s/1234567/1/"],
    ["https://www.fictionpress.com/s/555/1/", "fictionpress:555 https://www.fictionpress.com/s/555/1/"],
    ["https://archiveofourown.org/works/11111/chapters/22222", "archiveofourown:11111 https://archiveofourown.org/works/11111"],
    ["https://archiveofourown.org/works/011111?view_adult=true#workskin", "archiveofourown:11111 https://archiveofourown.org/works/11111"],
    ["https://www.ao3.org/collections/Some_Archive/works/33333", "archiveofourown:33333 https://archiveofourown.org/works/33333"],
    ["https://archiveofourown.org/works/11111/navigate", "archiveofourown:11111 https://archiveofourown.org/works/11111"],
    ["https://archiveofourown.org/chapters/22222", "lookup ao3-chapter"],
    ["https://forums.spacebattles.com/threads/some-story-title.123456/page-5#post-987654", "spacebattles:123456 https://forums.spacebattles.com/threads/some-story-title.123456/"],
    ["https://forums.spacebattles.com/threads/123456/threadmarks", "spacebattles:123456 https://forums.spacebattles.com/threads/123456/"],
    ["https://sufficientvelocity.com/threads/a-quest.90011/reader/page-3", "sufficientvelocity:90011 https://forums.sufficientvelocity.com/threads/a-quest.90011/"],
    ["https://questionablequesting.com/threads/q.777/unread?new=1", "questionablequesting:777 https://forum.questionablequesting.com/threads/q.777/"],
    ["https://www.alternatehistory.com/forum/threads/what-if.4242/", "alternatehistory:4242 https://www.alternatehistory.com/forum/threads/what-if.4242/"],
    ["https://www.alternatehistory.com/threads/what-if.4242/page-2", "alternatehistory:4242 https://www.alternatehistory.com/forum/threads/what-if.4242/"],
    ["https://www.althistory.com/threads/other-forum.4242/", "althistory:4242 https://althistory.com/threads/other-forum.4242/"],
    ["https://the-sietch.com/index.php?threads/dune.77/page-3", "the-sietch:77 https://www.the-sietch.com/index.php?threads/dune.77/"],
    ["https://royalroadl.com/fiction/54321/other-title", "royalroad:54321 https://www.royalroad.com/fiction/54321"],
    ["https://www.royalroad.com/fiction/12345/t/chapter/678910/one#comments", "royalroad:12345 https://www.royalroad.com/fiction/12345"],
    ["https://www.royalroad.com/fiction/chapter/1455667", "lookup royalroad-chapter"],
    ["http://click.royalroad.com/wf/click?upn=abc", "lookup royalroad-click"],
    ["https://www.scribblehub.com/read/12345-some-title/chapter/999/", "scribblehub:12345 https://www.scribblehub.com/series/12345/some-title/"],
    ["https://www.scribblehub.com/series/12345/", "AskFanFicFare"],
    ["https://www.wattpad.com/story/355512345-a-title?utm_source=email", "wattpad:355512345 https://www.wattpad.com/story/355512345"],
    ["https://www.wattpad.com/1400123456-part-title", "lookup wattpad-part"],
    ["https://www.fimfiction.net/story/4321/a-pony-tale", "fimfiction:4321 https://www.fimfiction.net/story/4321"],
    ["https://www.google.com/url?q=https%3A%2F%2Farchiveofourown.org%2Fworks%2F61000001&sa=D", "archiveofourown:61000001 https://archiveofourown.org/works/61000001"],
    ["https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.royalroad.com%2Ffiction%2F6100%2Fx&data=1", "royalroad:6100 https://www.royalroad.com/fiction/6100"],
    ["https://www.wattpad.com/et?c=euc&l=https%3A%2F%2Fwww.wattpad.com%2Fstory%2F42-x&emid=1", "wattpad:42 https://www.wattpad.com/story/42"]
  ])("%s", (link, expected) => expect(keyOf(link)).toBe(expected))

  it.each([
    "https://www.fanfiction.net/u/123/Author", "https://www.fanfiction.net/r/14123456/", "https://www.fanfiction.net/alert/story.php",
    "https://archiveofourown.org/users/x/pseuds/y", "https://archiveofourown.org/series/9", "https://archiveofourown.org/tags/Fandom/works",
    "https://archiveofourown.org/works/11111/comments/5", "https://archiveofourown.org/works/11111/kudos",
    "https://archiveofourown.org/works/11111?show_comments=true#comment_5", "https://archiveofourown.org/support",
    "https://forums.spacebattles.com/members/bob.12/", "https://forums.spacebattles.com/watched/threads",
    "https://forums.spacebattles.com/email-stop/12/content?t=thread&id=5&c=x", "https://www.royalroad.com/profile/12", "https://www.royalroad.com/account/notifications",
    "http://click.royalroad.com/wf/open?upn=x", "https://www.wattpad.com/user/someone", "https://www.wattpad.com/settings", "mailto:someone@example.test"
  ])("%s is not a story", (link) => expect(verdict(link)._tag).toBe("NotAStory"))

  it.each([
    "https://forums.spacebattles.com/posts/987654/", "https://forums.sufficientvelocity.com/posts/1/", "https://forum.questionablequesting.com/posts/2/",
    "https://www.alternatehistory.com/forum/posts/3/", "https://althistory.com/posts/4/", "https://www.the-sietch.com/index.php?posts/5/"
  ])("%s is one forum post, refused with the reason", (link) => {
    expect(verdict(link)).toEqual({ _tag: "NotAStory", reason: postLinkReason })
  })

  it("leaves other hosts to FanFicFare", () => {
    expect(verdict("http://test1.com?sid=5")).toEqual({ _tag: "AskFanFicFare", url: "http://test1.com/?sid=5" })
  })
})

describe("Sites.identify", () => {
  it.effect("asks FanFicFare once per batch, only about hosts it supports, and remembers the answers", () =>
    Effect.gen(function* () {
      const calls: Array<ReadonlyArray<string>> = []
      const sites = yield* makeSites({
        domains: Effect.succeed({ domains: ["test1.com", "ficwad.com"] }),
        normalize: (urls) => {
          calls.push(urls)
          return Effect.succeed(urls.map((url) => (url.includes("sid=") ? { url: url.replace("/?", "?"), site: "test1.com", storyId: url.split("sid=")[1] ?? "" } : null)))
        }
      })
      const first = yield* sites.identify(["http://test1.com?sid=5", "https://news.example/story/1", "https://ficwad.com/nothing", "https://archiveofourown.org/works/7", "not a url"])
      expect(first.map((result) => (result._tag === "Story" ? result.story.key : result._tag)))
        .toEqual(["test1:5", "NotAStory", "NotAStory", "archiveofourown:7", "NotAStory"])
      expect(calls).toEqual([["http://test1.com/?sid=5", "https://ficwad.com/nothing"]])
      yield* sites.identify(["http://test1.com?sid=5"])
      expect(calls).toHaveLength(1)
    }))

  it.effect("asks for FanFicFare's hosts again after that failed", () =>
    Effect.gen(function* () {
      let askedForHosts = 0
      const sites = yield* makeSites({
        domains: Effect.suspend(() =>
          ++askedForHosts === 1 ? Effect.fail(new SitesUnavailable({ python: "python3", reason: "crashed" })) : Effect.succeed({ domains: ["test1.com"] })),
        normalize: (urls) => Effect.succeed(urls.map(() => ({ url: "http://test1.com?sid=5", site: "test1.com", storyId: "5" })))
      })
      expect((yield* Effect.flip(sites.identify(["http://test1.com?sid=5"])))._tag).toBe("SitesUnavailable")
      expect((yield* sites.identify(["http://test1.com?sid=5"])).map((result) => result._tag)).toEqual(["Story"])
      yield* sites.identify(["http://test1.com?sid=6"])
      expect(askedForHosts).toBe(2)
    }))
})

describe("locatePython", () => {
  it("prefers the configured interpreter, then the program's own virtualenv", () => {
    expect(locatePython("/opt/py/bin/python3", "/x/fanficfare")).toBe("/opt/py/bin/python3")
    expect(locatePython("", "fanficfare")).toBe("python3")
  })
})
