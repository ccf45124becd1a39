import { Cause, Exit, Option } from "effect"
import { interruptedExitCode } from "../process/shutdown.ts"

// Exit codes promised in the README: 0 all done, 1 some stories failed (or another runtime
// failure), 2 usage or configuration error, 3 a component the run needs is unreachable.
export const ExitCode = { ok: 0, storiesFailed: 1, usage: 2, unreachable: 3 } as const

const usageErrors = new Set(["ConfigError", "InvalidStoryUrl", "UsageError", "MailNotConfigured", "StoryNotKnown"])
const unreachableErrors = new Set([
  "LibraryNotFound", "CalibreBusy", "CalibreUnavailable", "FanFicFareUnavailable", "StoreError", "SitesUnavailable",
  "MailLoginRefused", "MailboxMissing", "MailTlsFailed", "MailUnreachable", "WebServerError"
])
const cliParseErrors = new Set([
  "UnrecognizedOption", "DuplicateOption", "MissingOption", "MissingArgument",
  "UnexpectedArgument", "InvalidValue", "UnknownSubcommand", "ValidationError"
])

const tagOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string" ? error._tag : undefined

const hasParseErrors = (error: unknown) =>
  typeof error === "object" && error !== null && "errors" in error && Array.isArray(error.errors) && error.errors.length > 0

export const exitCodeForError = (error: unknown): number => {
  const tag = tagOf(error) ?? ""
  if (usageErrors.has(tag) || cliParseErrors.has(tag)) return ExitCode.usage
  if (unreachableErrors.has(tag)) return ExitCode.unreachable
  // The CLI framework reports parse errors as "show help" with the errors attached.
  if (tag === "ShowHelp") return hasParseErrors(error) ? ExitCode.usage : ExitCode.ok
  return ExitCode.storiesFailed
}

export const exitCodeFor = (exit: Exit.Exit<unknown, unknown>): number => {
  if (Exit.isSuccess(exit)) return ExitCode.ok
  if (Cause.hasInterruptsOnly(exit.cause)) return interruptedExitCode()
  return Option.match(Cause.findErrorOption(exit.cause), {
    onNone: () => ExitCode.storiesFailed,
    onSome: exitCodeForError
  })
}

// Errors the CLI framework has already printed, or whose story lines were printed as they ran.
export const alreadyReported = (error: unknown) => {
  const tag = tagOf(error) ?? ""
  return cliParseErrors.has(tag) || tag === "ShowHelp" || tag === "StoriesFailed"
}
