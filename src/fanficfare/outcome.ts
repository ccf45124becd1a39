// What a FanFicFare run did, read from its output. FanFicFare exits 0 for most failures, so the
// text decides (patterns from the reference notes, §6); the exit code only settles the rest.

export type FanFicFareOutcome =
  | { readonly _tag: "Written" }
  | { readonly _tag: "Updated"; readonly chaptersBefore: number; readonly chaptersAfter: number }
  | { readonly _tag: "NothingNew"; readonly chapters: number }
  | { readonly _tag: "SourceHasFewerChapters"; readonly local: number; readonly source: number }
  | { readonly _tag: "SkippedByDate" }
  | { readonly _tag: "StoryNotFound" }
  | { readonly _tag: "BadUrl"; readonly detail: string }
  | { readonly _tag: "UnsupportedSite" }
  | { readonly _tag: "AdultCheckRequired" }
  | { readonly _tag: "LoginRequired"; readonly detail: string }
  | { readonly _tag: "Unrecognised"; readonly exitCode: number; readonly lastLines: string }

export interface FanFicFareOutput {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

const lastLines = (text: string, count: number) => text.trimEnd().split("\n").slice(-count).join("\n")

const firstMatch = (text: string, pattern: RegExp) => pattern.exec(text) ?? undefined

export const classifyOutput = (output: FanFicFareOutput): FanFicFareOutcome => {
  const { stdout, stderr } = output
  const both = `${stdout}\n${stderr}`
  if (/more recently than Story\(.*\) - Skipping/.test(stderr)) return { _tag: "SkippedByDate" }
  const nothingNew = firstMatch(stdout, /^.+ already contains (\d+) chapters\.$/m)
  if (nothingNew) return { _tag: "NothingNew", chapters: Number(nothingNew[1]) }
  const fewer = firstMatch(stdout, /^.+ contains (\d+) chapters, more than source: (\d+)\.$/m)
  if (fewer) return { _tag: "SourceHasFewerChapters", local: Number(fewer[1]), source: Number(fewer[2]) }
  if (/^Story does not exist: /m.test(stdout)) return { _tag: "StoryNotFound" }
  const badUrl = firstMatch(stdout, /^(Bad Story URL: .*)$/m)
  if (badUrl) return { _tag: "BadUrl", detail: badUrl[1] ?? "" }
  if (/Unknown Site\(/.test(both)) return { _tag: "UnsupportedSite" }
  if (/^Adult check required on non-interactive process\./m.test(stdout)) return { _tag: "AdultCheckRequired" }
  const login = firstMatch(stdout, /^(Login Failed on non-interactive process\..*)$/m)
  if (login) return { _tag: "LoginRequired", detail: login[1] ?? "" }
  if (output.exitCode !== 0) {
    return { _tag: "Unrecognised", exitCode: output.exitCode, lastLines: lastLines(stderr === "" ? stdout : stderr, 5) }
  }
  const update = firstMatch(stdout, /^Do update - epub\((\d+)\) vs url\((\d+)\)$/m)
  if (update) return { _tag: "Updated", chaptersBefore: Number(update[1]), chaptersAfter: Number(update[2]) }
  return { _tag: "Written" }
}

export const describeOutcome = (outcome: FanFicFareOutcome): string => {
  switch (outcome._tag) {
    case "Written":
      return "downloaded"
    case "Updated":
      return `updated: ${outcome.chaptersBefore} → ${outcome.chaptersAfter} chapters`
    case "NothingNew":
      return `nothing new (${outcome.chapters} chapters)`
    case "SourceHasFewerChapters":
      return `your copy has ${outcome.local} chapters but the site only ${outcome.source}; kept yours (update with force to replace it)`
    case "SkippedByDate":
      return "FanFicFare skipped the update because the file looked newer than the story"
    case "StoryNotFound":
      return "the story does not exist (deleted, or a wrong link)"
    case "BadUrl":
      return outcome.detail
    case "UnsupportedSite":
      return "FanFicFare does not support this site"
    case "AdultCheckRequired":
      return "the site asks for an adult check: set is_adult:true in your personal.ini ([calibre] personal_ini)"
    case "LoginRequired":
      return `${outcome.detail} (set username and password in your personal.ini, [calibre] personal_ini)`
    case "Unrecognised":
      return `FanFicFare failed (exit ${outcome.exitCode}): ${outcome.lastLines}`
  }
}
