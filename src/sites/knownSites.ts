import { storyRef, type StoryRef } from "./siteId.ts"

// Link rules for the sites people get update mail from most, written out so that a mail's links
// are classified without starting Python. Every other site goes through FanFicFare's own
// normalisation (fanFicFareSites.ts). test/unit/sites.test.ts checks each canonical URL here
// against FanFicFare's.

type LookupKind = "ao3-chapter" | "royalroad-chapter" | "royalroad-click" | "wattpad-part"

export type LinkVerdict =
  | { readonly _tag: "Story"; readonly story: StoryRef }
  // A link to a story that only the site can name (a chapter id, an opaque click tracker).
  | { readonly _tag: "NeedsLookup"; readonly kind: LookupKind; readonly url: string }
  // A known site's link that is not a story: profiles, comments, settings, unsubscribe, tags.
  // `reason` says what it is where a person may well give it as a story (a forum post).
  | { readonly _tag: "NotAStory"; readonly reason?: string }
  // Not one of these sites: FanFicFare decides.
  | { readonly _tag: "AskFanFicFare"; readonly url: string }

const story = (site: string, storyId: string, url: string): LinkVerdict => ({ _tag: "Story", story: storyRef(site, storyId, url) })
const lookup = (kind: LookupKind, url: URL): LinkVerdict => ({ _tag: "NeedsLookup", kind, url: url.href })
const notAStory: LinkVerdict = { _tag: "NotAStory" }

type Rule = (url: URL) => LinkVerdict

const fanFictionNet = (site: string, host: string): Rule => (url) => {
  const match = /^\/s\/(\d+)(?:\/\d+)?(?:\/[^/]*)?\/?$/.exec(url.pathname)
  return match?.[1] === undefined ? notAStory : story(site, match[1], `https://${host}/s/${match[1]}/1/`)
}

const archiveOfOurOwn: Rule = (url) => {
  if (url.searchParams.has("show_comments") || url.hash.startsWith("#comment")) return notAStory
  const work = /^(?:\/collections\/[^/]+)?\/works\/0*(\d+)(?:\/chapters\/0*\d+|\/navigate)?\/?$/.exec(url.pathname)
  if (work?.[1] !== undefined) return story("archiveofourown", work[1], `https://archiveofourown.org/works/${work[1]}`)
  return /^\/chapters\/\d+\/?$/.test(url.pathname) ? lookup("ao3-chapter", url) : notAStory
}

// XenForo forums: a thread is a story; posts, members, watch lists and unsubscribe links are not.
// A post link names the post, not its thread: only the forum can say which thread holds it, so it
// is refused rather than keyed by a number that may be another thread's.
export const postLinkReason = "it links to one post of a forum thread, not to the story; give the thread's link (…/threads/name.123456/)"

// `paths` is where the forum's paths start ("/", "/forum/"), or "/index.php?" on a forum whose
// path is the query string.
const xenForo = (site: string, host: string, paths = "/"): Rule => (url) => {
  const inQuery = paths.endsWith("?")
  const address = inQuery ? (url.pathname === paths.slice(0, -1) ? url.search.slice(1) : "") : url.pathname
  const path = (address.startsWith(paths) ? address.slice(paths.length) : address).replace(/^\/+/, "")
  if (/^posts\/\d+/.test(path)) return { _tag: "NotAStory", reason: postLinkReason }
  const match = /^threads\/(?:([^/]*)\.)?(\d+)(?:\/.*)?$/.exec(path)
  if (match?.[2] === undefined) return notAStory
  const slug = match[1] === undefined ? "" : `${match[1]}.`
  return story(site, match[2], `https://${host}${paths}threads/${slug}${match[2]}/`)
}

const royalRoad: Rule = (url) => {
  if (/^\/fiction\/chapter\/\d+/.test(url.pathname)) return lookup("royalroad-chapter", url)
  const match = /^\/fiction\/(\d+)(?:\/.*)?$/.exec(url.pathname)
  return match?.[1] === undefined ? notAStory : story("royalroad", match[1], `https://www.royalroad.com/fiction/${match[1]}`)
}

const royalRoadClicks: Rule = (url) => (url.pathname.startsWith("/wf/click") ? lookup("royalroad-click", url) : notAStory)

const scribbleHub: Rule = (url) => {
  const match = /^\/(?:series|read)\/(\d+)(?:[-/]([^/]+))?/.exec(url.pathname)
  if (match?.[1] === undefined) return notAStory
  // FanFicFare's story URL carries the title slug; without one, let FanFicFare name it.
  if (match[2] === undefined) return { _tag: "AskFanFicFare", url: url.href }
  return story("scribblehub", match[1], `https://www.scribblehub.com/series/${match[1]}/${match[2]}/`)
}

const wattpad: Rule = (url) => {
  const storyMatch = /^\/story\/(\d+)/.exec(url.pathname)
  if (storyMatch?.[1] !== undefined) return story("wattpad", storyMatch[1], `https://www.wattpad.com/story/${storyMatch[1]}`)
  return /^\/\d+(?:-[^/]*)?\/?$/.test(url.pathname) ? lookup("wattpad-part", url) : notAStory
}

const fimFiction: Rule = (url) => {
  const match = /^\/story\/(\d+)/.exec(url.pathname)
  return match?.[1] === undefined ? notAStory : story("fimfiction", match[1], `https://www.fimfiction.net/story/${match[1]}`)
}

const byHost: ReadonlyArray<readonly [ReadonlyArray<string>, Rule]> = [
  [["fanfiction.net", "www.fanfiction.net", "m.fanfiction.net"], fanFictionNet("fanfiction", "www.fanfiction.net")],
  [["fictionpress.com", "www.fictionpress.com", "m.fictionpress.com"], fanFictionNet("fictionpress", "www.fictionpress.com")],
  [[
    "archiveofourown.org", "www.archiveofourown.org", "archiveofourown.com", "archiveofourown.net", "archiveofourown.gay",
    "ao3.org", "www.ao3.org", "download.archiveofourown.org"
  ], archiveOfOurOwn],
  [["forums.spacebattles.com", "forum.spacebattles.com", "spacebattles.com"], xenForo("spacebattles", "forums.spacebattles.com")],
  [["forums.sufficientvelocity.com", "forum.sufficientvelocity.com", "sufficientvelocity.com"], xenForo("sufficientvelocity", "forums.sufficientvelocity.com")],
  [["forum.questionablequesting.com", "questionablequesting.com"], xenForo("questionablequesting", "forum.questionablequesting.com")],
  [["www.alternatehistory.com", "alternatehistory.com"], xenForo("alternatehistory", "www.alternatehistory.com", "/forum/")],
  // Not alternatehistory.com: another forum, with its own thread numbers.
  [["althistory.com", "www.althistory.com"], xenForo("althistory", "althistory.com")],
  [["www.the-sietch.com", "the-sietch.com"], xenForo("the-sietch", "www.the-sietch.com", "/index.php?")],
  [["www.royalroad.com", "royalroad.com", "www.royalroadl.com", "royalroadl.com"], royalRoad],
  [["click.royalroad.com", "clicktracker.royalroadl.com"], royalRoadClicks],
  [["www.scribblehub.com", "scribblehub.com"], scribbleHub],
  [["www.wattpad.com", "wattpad.com", "m.wattpad.com"], wattpad],
  [["www.fimfiction.net", "fimfiction.net"], fimFiction]
]

const rules = new Map(byHost.flatMap(([hosts, rule]) => hosts.map((host): [string, Rule] => [host, rule])))

export const classifyKnownLink = (url: URL): LinkVerdict => {
  if (url.protocol !== "http:" && url.protocol !== "https:") return notAStory
  const rule = rules.get(url.hostname.toLowerCase())
  return rule === undefined ? { _tag: "AskFanFicFare", url: url.href } : rule(url)
}
