import { Context } from "effect"

// What the person starting the program chose for every command: the global flags, and the
// environment as the program found it. The entry reads the environment once and passes it on
// here, so no module below it looks at the process's own.

export interface StartOptions {
  /** `--config`: the config.toml to use, when given. */
  readonly config: string | undefined
  /** `--verbose`: log debug detail too. */
  readonly verbose: boolean
  /** `--log-format`: how the log lines on stderr look. */
  readonly logFormat: "text" | "json"
  /** The environment at start: FFDL_* overrides, AUTOMATED_FANFIC_CONFIG, and XDG_DATA_HOME/HOME for the data folder. */
  readonly environment: Readonly<Record<string, string | undefined>>
}

export class GlobalOptions extends Context.Service<GlobalOptions, StartOptions>()("automated-fanfic/config/GlobalOptions") {}
