// What a FanFicFare run did, read from its output. FanFicFare exits 0 for most failures, so the
// text decides (patterns from the reference notes, §6); the exit code only settles the rest.

export type FanFicFareOutcome =
  | { readonly _tag: "Written" }
  | { readonly _tag: "Updated"; readonly chaptersBefore: number; readonly chaptersAfter: number }
  | { readonly _tag: "NothingNew"; readonly chapters: number }
  | { readonly _tag: "SourceHasFewerChapters"; readonly local: number; readonly source: number }
  | { readonly _tag: "SkippedByDate" }
  | { readonly _tag: "PartialBook"; readonly failedChapters: number }
  | { readonly _tag: "StoryNotFound" }
  | { readonly _tag: "BadUrl"; readonly detail: string }
  | { readonly _tag: "UnsupportedSite" }
  | { readonly _tag: "UnreadableEpub"; readonly detail: string }
  | { readonly _tag: "AdultCheckRequired" }
  | { readonly _tag: "LoginRequired"; readonly detail: string }
  | { readonly _tag: "AccessDenied"; readonly detail: string }
  | { readonly _tag: "HttpError"; readonly status: number; readonly detail: string }
  | { readonly _tag: "ConnectionFailure"; readonly detail: string }
  | { readonly _tag: "ChapterDownloadFailed"; readonly detail: string }
  | { readonly _tag: "IniInvalid"; readonly detail: string }
  | { readonly _tag: "TimedOut"; readonly seconds: number }
  | { readonly _tag: "Killed"; readonly exitCode: number }
  | { readonly _tag: "Unrecognised"; readonly exitCode: number; readonly lastLines: string }

interface FanFicFareOutput {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

const lastLines = (text: string, count: number) => text.trimEnd().split("\n").slice(-count).join("\n")

const captured = (text: string, pattern: RegExp, group = 1): string | undefined => pattern.exec(text)?.[group]

// Each rule looks at the output and may name the outcome; the first that does wins. Failures
// come before success markers because a run can print "Updating …" and then fail.
const rules: ReadonlyArray<(output: FanFicFareOutput) => FanFicFareOutcome | undefined> = [
  ({ stderr }) => (/more recently than Story\(.*\) - Skipping/.test(stderr) ? { _tag: "SkippedByDate" } : undefined),
  ({ stderr }) => {
    const detail = captured(stderr, /configparser\.\w*Error: ([^\n]*(?:\n\t[^\n]*)*)/)
    return detail === undefined ? undefined : { _tag: "IniInvalid", detail: detail.trim() }
  },
  ({ stderr }) => {
    const match = /HTTPErrorFFF: HTTP Error in FFF '(.*)'\((\d{3})\)/.exec(stderr)
    return match ? { _tag: "HttpError", status: Number(match[2]), detail: match[1] ?? "" } : undefined
  },
  ({ stderr }) => {
    const detail = captured(stderr, /(requests\.exceptions\.(?:ConnectionError|ConnectTimeout|ReadTimeout|SSLError)[^\n]*)/)
    return detail === undefined ? undefined : { _tag: "ConnectionFailure", detail }
  },
  ({ stderr }) => {
    const detail = captured(stderr, /fanficfare\.exceptions\.FailedToDownload: ([^\n]*)/)
    if (detail === undefined) return undefined
    if (/registered users|set username\/password|log ?in/i.test(detail)) return { _tag: "LoginRequired", detail }
    return { _tag: "ChapterDownloadFailed", detail }
  },
  ({ stdout, stderr }) => (/Unknown Site\(/.test(`${stdout}\n${stderr}`) ? { _tag: "UnsupportedSite" } : undefined),
  ({ stdout }) => {
    const chapters = captured(stdout, /^.+ already contains (\d+) chapters\.$/m)
    return chapters === undefined ? undefined : { _tag: "NothingNew", chapters: Number(chapters) }
  },
  ({ stdout }) => {
    const match = /^.+ contains (\d+) chapters, more than source: (\d+)\.$/m.exec(stdout)
    return match ? { _tag: "SourceHasFewerChapters", local: Number(match[1]), source: Number(match[2]) } : undefined
  },
  ({ stdout }) => (/^Story does not exist: /m.test(stdout) ? { _tag: "StoryNotFound" } : undefined),
  ({ stdout }) => {
    const detail = captured(stdout, /^(Bad Story URL: .*)$/m)
    return detail === undefined ? undefined : { _tag: "BadUrl", detail }
  },
  ({ stdout }) => (/^Adult check required on non-interactive process\./m.test(stdout) ? { _tag: "AdultCheckRequired" } : undefined),
  ({ stdout }) => {
    const detail = captured(stdout, /^(Login Failed on non-interactive process\..*)$/m)
    return detail === undefined ? undefined : { _tag: "LoginRequired", detail }
  },
  ({ stdout }) => {
    const detail = captured(stdout, /^(.*Access denied.*)$/im)
    return detail === undefined ? undefined : { _tag: "AccessDenied", detail }
  },
  ({ stdout }) => {
    const detail = captured(stdout, /^((?:Failed to read (?:epub|file) .*)|(?:No story URL found in epub to update\.)|(?:.* doesn't contain any recognizable chapters, probably from a different source\..*))$/m)
    return detail === undefined ? undefined : { _tag: "UnreadableEpub", detail }
  },
  ({ stdout }) => {
    const failed = captured(stdout, /^!!!! (\d+) chapters errored downloading .* !!!!$/m)
    return failed === undefined ? undefined : { _tag: "PartialBook", failedChapters: Number(failed) }
  }
]

// Exit codes at or above 128 (or negative) mean a signal ended the process.
const killedBySignal = (exitCode: number) => exitCode < 0 || exitCode >= 128

export const classifyOutput = (output: FanFicFareOutput): FanFicFareOutcome => {
  for (const rule of rules) {
    const outcome = rule(output)
    if (outcome !== undefined) return outcome
  }
  if (killedBySignal(output.exitCode)) return { _tag: "Killed", exitCode: output.exitCode }
  if (output.exitCode !== 0) {
    return { _tag: "Unrecognised", exitCode: output.exitCode, lastLines: lastLines(output.stderr === "" ? output.stdout : output.stderr, 5) }
  }
  const update = /^Do update - epub\((\d+)\) vs url\((\d+)\)$/m.exec(output.stdout)
  if (update) return { _tag: "Updated", chaptersBefore: Number(update[1]), chaptersAfter: Number(update[2]) }
  return { _tag: "Written" }
}

// What the scheduler does with an outcome (the policy table of the design): a new file to write,
// nothing to do, a story-level failure that no retry fixes, a site-level failure that counts
// towards the site's breaker, a transient failure worth retrying, or a setting the user must fix.
type OutcomeAction = "write" | "done" | "keep" | "story-failed" | "site-failed" | "retry" | "fix-settings"

export const actionFor = (outcome: FanFicFareOutcome): OutcomeAction => {
  switch (outcome._tag) {
    case "Written":
    case "Updated":
      return "write"
    case "NothingNew":
      return "done"
    case "SourceHasFewerChapters":
      return "keep"
    case "StoryNotFound":
    case "BadUrl":
    case "UnsupportedSite":
    case "UnreadableEpub":
      return "story-failed"
    case "AdultCheckRequired":
    case "LoginRequired":
    case "AccessDenied":
    case "IniInvalid":
      return "fix-settings"
    case "HttpError":
      return [403, 429, 503].includes(outcome.status) || (outcome.status >= 520 && outcome.status <= 527) ? "site-failed" : "retry"
    case "ConnectionFailure":
      return "site-failed"
    case "SkippedByDate":
    case "PartialBook":
    case "ChapterDownloadFailed":
    case "TimedOut":
    case "Killed":
    case "Unrecognised":
      return "retry"
  }
}
