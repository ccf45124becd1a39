import type { FanFicFareOutcome } from "./outcome.ts"

// One line for a person: what happened and, for a failure, what to do about it.
export const describeOutcome = (outcome: FanFicFareOutcome): string => {
  switch (outcome._tag) {
    case "Written":
      return "downloaded"
    case "Updated":
      return `updated: ${outcome.chaptersBefore} → ${outcome.chaptersAfter} chapters`
    case "NothingNew":
      return `nothing new (${outcome.chapters} chapters)`
    case "SourceHasFewerChapters":
      return `your copy has ${outcome.local} chapters but the site only ${outcome.source}; kept yours (set update_method = "force" to replace it)`
    case "SkippedByDate":
      return "FanFicFare skipped the update because the file looked newer than the story"
    case "PartialBook":
      return `${outcome.failedChapters} chapter(s) failed to download; will try again`
    case "StoryNotFound":
      return "the story does not exist (deleted, or a wrong link)"
    case "BadUrl":
      return outcome.detail
    case "UnsupportedSite":
      return "FanFicFare does not support this site"
    case "UnreadableEpub":
      return `the EPUB in Calibre cannot be updated by FanFicFare: ${outcome.detail}`
    case "AdultCheckRequired":
      return "the site asks for an adult check: add is_adult:true to your personal.ini ([calibre] personal_ini)"
    case "LoginRequired":
      return `${outcome.detail} (put username and password for the site in your personal.ini, [calibre] personal_ini)`
    case "AccessDenied":
      return `access denied by the site: ${outcome.detail}`
    case "HttpError":
      return `the site answered HTTP ${outcome.status} (${outcome.detail})`
    case "ConnectionFailure":
      return `cannot reach the site: ${outcome.detail}`
    case "ChapterDownloadFailed":
      return `download failed: ${outcome.detail}`
    case "IniInvalid":
      return `FanFicFare cannot read an ini file: ${outcome.detail}`
    case "TimedOut":
      return `FanFicFare did not finish within ${outcome.seconds} s and was stopped ([fanficfare] timeout_seconds)`
    case "Killed":
      return `FanFicFare was killed (exit ${outcome.exitCode})`
    case "Unrecognised":
      return `FanFicFare failed (exit ${outcome.exitCode}): ${outcome.lastLines}`
  }
}
