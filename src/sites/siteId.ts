import { idScopeOf } from "./idScope.ts"

// Site identifiers as AutomatedFanfic names them, so `disabled_sites` lists keep working:
// the first label of the host, or the second when the first is a common prefix.
// www.fanfiction.net → fanfiction, forums.spacebattles.com → spacebattles, test1.com → test1.
const prefixes = new Set(["www", "forums", "archive", "forum"])

export const siteIdOfHost = (host: string): string => {
  const labels = host.toLowerCase().split(".")
  const [first = "", second] = labels
  return prefixes.has(first) && labels.length > 2 && second !== undefined ? second : first
}

// A story's identity in the Store: the same story reached by any link shape has one key, and two
// stories never share one. `site:storyId`, or `site:scope/storyId` where the site's ids are unique
// only per host or section (idScope.ts). `url` is the story's canonical link.
export const storyKeyOf = (site: string, storyId: string, url: string) => {
  const scope = idScopeOf(site, url)
  return scope === undefined ? `${site}:${storyId}` : `${site}:${scope}/${storyId}`
}

export interface StoryRef {
  /** The story's identity in the Store (storyKeyOf): site:storyId or site:scope/storyId. */
  readonly key: string
  /** The site id, as disabled_sites names it (siteIdOfHost). */
  readonly site: string
  /** The canonical link FanFicFare is given and Calibre stores. */
  readonly url: string
}

export const storyRef = (site: string, storyId: string, url: string): StoryRef => ({ key: storyKeyOf(site, storyId, url), site, url })
