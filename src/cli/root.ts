import { Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import type { StartOptions } from "../config/GlobalOptions.ts"
import { parseStoryUrl } from "../stories/StoryUrl.ts"

// The top command and the flags every subcommand shares.
export const root = Command.make("automated-fanfic").pipe(
  Command.withSharedFlags({
    config: Flag.String("config").pipe(
      Flag.withAlias("c"),
      Flag.withDescription("config.toml to use (default: $AUTOMATED_FANFIC_CONFIG, else ./config.toml if present)"),
      Flag.optional
    ),
    verbose: Flag.Boolean("verbose").pipe(Flag.withDescription("log debug detail"), Flag.withDefault(false)),
    logFormat: Flag.Literals("log-format", ["text", "json"]).pipe(
      Flag.withDescription("log line format on stderr"),
      Flag.withDefault("text")
    )
  }),
  Command.withDescription(
    "Watches your fanfiction alert mailbox, downloads new chapters with FanFicFare and keeps your Calibre library up to date."
  )
)

// The parsed global flags with the environment the entry read.
export const startOptions = (
  flags: { readonly config: Option.Option<string>; readonly verbose: boolean; readonly logFormat: StartOptions["logFormat"] },
  environment: StartOptions["environment"]
): StartOptions => ({ config: Option.getOrUndefined(flags.config), verbose: flags.verbose, logFormat: flags.logFormat, environment })

export const parseUrls = (inputs: ReadonlyArray<string>) =>
  Effect.forEach(inputs, (input) => Effect.fromResult(parseStoryUrl(input)))
