import { Schema } from "effect"

// One thing wrong with the configuration, located as precisely as we can: a key path with its
// file and line, or the environment variable it came from.
export const ConfigProblem = Schema.Struct({
  key: Schema.String,
  source: Schema.String,
  line: Schema.optionalKey(Schema.Int),
  column: Schema.optionalKey(Schema.Int),
  message: Schema.String
})
export type ConfigProblem = typeof ConfigProblem.Type

export class ConfigError extends Schema.TaggedError<ConfigError>()("ConfigError", {
  file: Schema.String,
  problems: Schema.Array(ConfigProblem)
}) {
  override get message(): string {
    return renderConfigError(this)
  }
}

const locate = (problem: ConfigProblem): string => {
  if (problem.line === undefined) return problem.source
  const column = problem.column === undefined ? "" : `:${problem.column}`
  return `${problem.source}:${problem.line}${column}`
}

const renderConfigError = (error: { readonly file: string; readonly problems: ReadonlyArray<ConfigProblem> }) => {
  const count = error.problems.length
  const heading = `Configuration error in ${error.file} (${count} problem${count === 1 ? "" : "s"}):`
  const lines = error.problems.map((problem) =>
    problem.key === ""
      ? `  - ${locate(problem)}: ${problem.message}`
      : `  - ${problem.key} (${locate(problem)}): ${problem.message}`
  )
  return [heading, ...lines, "Fix the file (see config.example.toml for every key) and run `automated-fanfic check-config`."]
    .join("\n")
}
