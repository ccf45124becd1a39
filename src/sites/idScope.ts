// Where a site's story ids are unique. Most sites number stories once for the whole site, and
// the key is `site:id`. On the sites below one id names different stories on different hosts or
// in different sections of the site (FanFicFare keeps that part in its canonical link), so the key
// carries it: `fanficauthors:abraxan/Blindness`, `storiesonline:n/1234`.
// Decided per FanFicFare adapter from its getSiteExampleURLs() and getAcceptDomains();
// test/unit/storyKeys.test.ts checks every example link of every adapter against this table.

type Scope = (url: URL) => string | undefined

const firstHostLabel: Scope = (url) => url.hostname.toLowerCase().split(".")[0]
const pathSegment = (index: number): Scope => (url) => url.pathname.split("/").filter((segment) => segment !== "")[index]

const scopes: ReadonlyMap<string, Scope> = new Map<string, Scope>([
  // One site per author (abraxan.fanficauthors.net); the id is the title, reused by other authors.
  ["fanficauthors", firstHostLabel],
  // A separate archive per fandom (anime.adult-fanfiction.org), each numbering its own stories.
  ["adult-fanfiction", firstHostLabel],
  // A site per language (german.literotica.com); series ids are numbers, story ids are titles.
  ["literotica", (url) => {
    const language = firstHostLabel(url)
    return url.pathname.startsWith("/series/") ? `${language}/series` : language
  }],
  // ncode.syosetu.com and novel18.syosetu.com are two sites; FanFicFare keeps them apart.
  ["syosetu", firstHostLabel],
  // Two sections with their own numbering: /fanfiction/story/1 and /spark/story/1.
  ["dokuga", pathSegment(0)],
  // Two eFiction archives on one host: /efiction/ and /wiktt/efiction/.
  ["themasque", pathSegment(0)],
  // Stories filed by year: /stories/2017/html/name and /stories/_earliest/html/name.
  ["lcfanfic", pathSegment(1)],
  // /s/1234 and /n/1234 on the Storiesonline family are different stories.
  ["storiesonline", pathSegment(0)],
  ["scifistories", pathSegment(0)],
  ["storyroom", pathSegment(0)],
  // Two FanFicFare adapters on one host: /unicorn/fic and /wicked/temptation.
  ["sinful-dreams", pathSegment(0)]
])

export const scopedSites: ReadonlySet<string> = new Set(scopes.keys())

// The part of a canonical story link that the story id is unique within, or undefined where the
// id is unique on the whole site.
export const idScopeOf = (site: string, url: string): string | undefined => {
  const scope = scopes.get(site)
  return scope === undefined || !URL.canParse(url) ? undefined : scope(new URL(url))
}
