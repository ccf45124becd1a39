// The cheap change check's decision: what the site says of a story (a metadata-only run)
// against what the store knows. Pure.

// more: the site has chapters the book lacks, so the story is updated. same / revised: nothing
// to download (revised: same count, later update date; `-u` compares counts only). fewer: the
// site lost chapters; the user's longer copy is kept.
type CheckVerdict = "more" | "same" | "revised" | "fewer"

export interface KnownFacts {
  readonly chapters: number
  readonly dateUpdated: string | null
}

interface SeenFacts {
  readonly chapters: number
  readonly dateUpdated?: string | undefined
}

// FanFicFare prints dates as YYYY-MM-DD or YYYY-MM-DD HH:MM, which compare as text.
export const compareCheck = (known: KnownFacts, seen: SeenFacts): CheckVerdict => {
  if (seen.chapters > known.chapters) return "more"
  if (seen.chapters < known.chapters) return "fewer"
  if (seen.dateUpdated !== undefined && known.dateUpdated !== null && seen.dateUpdated > known.dateUpdated) return "revised"
  return "same"
}

export const needsUpdate = (verdict: CheckVerdict) => verdict === "more"

export const describeCheck = (known: KnownFacts, seen: SeenFacts, verdict: CheckVerdict): string => {
  const site = `site has ${seen.chapters} chapter(s)${seen.dateUpdated === undefined ? "" : `, updated ${seen.dateUpdated}`}`
  const store = `the store knows ${known.chapters}${known.dateUpdated === null ? "" : ` (updated ${known.dateUpdated})`}`
  const action = verdict === "more" ? "updating" : verdict === "fewer" ? "keeping the longer copy" : "nothing to download"
  return `${site}; ${store}: ${action}`
}

// Requests from the watch sources, as they appear among a job's origins. An alert already says
// there is a new chapter, so only these are checked cheaply first.
export const sweepOrigin = "sweep"
export const listOrigin = (url: string) => `list:${url}`
export const feedOrigin = (url: string) => `feed:${url}`

export const isWatchOrigin = (origin: string) => origin === sweepOrigin || origin.startsWith("list:") || origin.startsWith("feed:")
