import { Cause, Console, Effect, Exit, Predicate } from "effect"
import type { CliError } from "effect/cli"
import type { CalibreFailed, CalibreUnusable } from "../calibre/CalibreErrors.ts"
import type { ConfigError } from "../config/ConfigError.ts"
import type { FanFicFareUnavailable } from "../fanficfare/FanFicFare.ts"
import type { MailNotConfigured, MailUnusable } from "../mail/mailErrors.ts"
import type { OwnershipError } from "../process/ownership.ts"
import type { ProcessStop } from "../process/shutdown.ts"
import type { SitesUnavailable } from "../sites/fanFicFareSites.ts"
import type { StoreError } from "../store/database.ts"
import type { InvalidStoryUrl } from "../stories/StoryUrl.ts"
import type { ChapterCountFailed } from "../watch/epubChapters.ts"
import type { StoryNotKnown } from "../watch/storySettings.ts"
import type { WebServerError } from "../web/WebServer.ts"
import type { StoriesFailed, Unhealthy, UsageError } from "./CliErrors.ts"

// Exit codes promised in the README: 0 all done, 1 some stories failed (or another runtime
// failure), 2 usage or configuration error, 3 a component the run needs is unreachable.
const ExitCode = { ok: 0, storiesFailed: 1, usage: 2, unreachable: 3 } as const

type ParseFailure = Exclude<CliError.CliError, CliError.ShowHelp | CliError.UserError>
type UsageFailure = UsageError | ConfigError | MailNotConfigured | InvalidStoryUrl | StoryNotKnown
type UnreachableFailure = CalibreUnusable | MailUnusable | FanFicFareUnavailable | SitesUnavailable | StoreError | WebServerError
type RunFailure = CalibreFailed | ChapterCountFailed | OwnershipError | Unhealthy | CliError.UserError

const printed = (code: number) => (error: Error) => Console.error(`error: ${error.message}`).pipe(Effect.as(code))
const usage: (error: UsageFailure) => Effect.Effect<number> = printed(ExitCode.usage)
const unreachable: (error: UnreachableFailure) => Effect.Effect<number> = printed(ExitCode.unreachable)
const failed: (error: RunFailure) => Effect.Effect<number> = printed(ExitCode.storiesFailed)
// The CLI framework has printed these already.
const parseFailed = (_: ParseFailure) => Effect.succeed(ExitCode.usage)

// Every error a command can end with has a case here, each typed by its group above: a new
// error, or one put in the wrong group, does not compile.
export const withExitCode = <R>(
  command: Effect.Effect<void, ParseFailure | CliError.ShowHelp | UsageFailure | UnreachableFailure | RunFailure | StoriesFailed, R>
): Effect.Effect<number, never, R> =>
  command.pipe(
    Effect.as<number>(ExitCode.ok),
    Effect.catchTags({
      UnrecognizedOption: parseFailed, DuplicateOption: parseFailed, MissingOption: parseFailed, MissingArgument: parseFailed,
      UnexpectedArgument: parseFailed, InvalidValue: parseFailed, UnknownSubcommand: parseFailed, ValidationError: parseFailed,
      // The framework prints help, and with it any parse errors.
      ShowHelp: (help) => Effect.succeed(help.errors.length > 0 ? ExitCode.usage : ExitCode.ok),
      UsageError: usage, ConfigError: usage, MailNotConfigured: usage, InvalidStoryUrl: usage, StoryNotKnown: usage,
      LibraryNotFound: unreachable, CalibreBusy: unreachable, CalibreUnavailable: unreachable,
      MailLoginRefused: unreachable, MailboxMissing: unreachable, MailTlsFailed: unreachable, MailUnreachable: unreachable,
      FanFicFareUnavailable: unreachable, SitesUnavailable: unreachable, StoreError: unreachable, WebServerError: unreachable,
      CalibreFailed: failed, ChapterCountFailed: failed, OwnershipError: failed, Unhealthy: failed, UserError: failed,
      // Each story's line was printed as it ran.
      StoriesFailed: () => Effect.succeed(ExitCode.storiesFailed)
    })
  )

// A command that ran to its end has chosen its code above (the runtime's teardown is handed the
// program's Exit untyped); what is left is an interruption (a signal) or a defect.
export const exitCodeFor = <A, E>(exit: Exit.Exit<A, E>, stop: ProcessStop): number => {
  if (Exit.isSuccess(exit)) return Predicate.isNumber(exit.value) ? exit.value : ExitCode.ok
  if (Cause.hasInterruptsOnly(exit.cause)) return stop.interruptedExitCode
  return ExitCode.storiesFailed
}
