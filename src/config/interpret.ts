import { Redacted, Result, Schema, SchemaIssue } from "effect"
import { parse, TomlError } from "smol-toml"
import { ConfigError, type ConfigProblem } from "./ConfigError.ts"
import { ConfigFile, unusedKeys } from "./ConfigSchema.ts"
import { isLoopbackHost } from "./loopback.ts"
import { applyOverrides, type Override, readOverrides } from "./environment.ts"
import { catalogueOf, parentOf, siblingsOf } from "./keyCatalogue.ts"
import { closestName } from "./suggest.ts"
import { keyLines, lineOf } from "./tomlPositions.ts"

// From the text of config.toml and the environment to a typed configuration, or every problem
// found at once. Pure: reading the file is the caller's business.

export interface LoadedConfig {
  /** The config file's path, named as the source of problems found in it. */
  readonly file: string
  /** The decoded configuration, environment overrides applied. */
  readonly values: ConfigFile
  /** Deprecated or no-effect keys that were found; the CLI prints them as warnings, never as errors. */
  readonly warnings: ReadonlyArray<string>
}

export const catalogue = catalogueOf(ConfigFile)

const secretKey = /(password|api_key|token|urls)/

const isTable = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const valueAt = (document: unknown, path: ReadonlyArray<PropertyKey>): unknown =>
  path.reduce<unknown>((node, key) => (isTable(node) || Array.isArray(node) ? Reflect.get(node, key) : undefined), document)

const describe = (value: unknown): string => (typeof value === "string" ? `"${value}"` : JSON.stringify(value) ?? String(value))

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1)

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

const decodeConfigFile = Schema.decodeUnknownResult(ConfigFile, { errors: "all", onExcessProperty: "error" })

const problemsFromSchema = (
  issue: SchemaIssue.Issue,
  document: Record<string, unknown>,
  file: string,
  lines: ReadonlyMap<string, number>
): ReadonlyArray<ConfigProblem> =>
  formatIssues(issue).issues.map((entry) => {
    const path = (entry.path ?? []).map((segment) =>
      typeof segment === "object" && segment !== null && "key" in segment ? segment.key : segment
    )
    const key = path.map(String).join(".")
    const line = lineOf(lines, key)
    const located = { key, source: file, ...(line === undefined ? {} : { line }) }
    if (entry.message.startsWith("Expected no excess property")) {
      const parent = parentOf(key)
      const name = key.slice(parent === "" ? 0 : parent.length + 1)
      const hint = closestName(name, siblingsOf(catalogue, parent))
      const what = isTable(valueAt(document, path)) ? "unknown section" : "unknown key"
      const where = parent === "" ? "" : ` in [${parent}]`
      return { ...located, message: `${what}${where}${hint === undefined ? "" : `; did you mean "${hint}"?`}` }
    }
    const found = secretKey.test(key) ? "" : `, found ${describe(valueAt(document, path))}`
    return { ...located, message: `${lowerFirst(entry.message)}${found}` }
  })

// AutomatedFanfic's legacy [email] ffnet_disable becomes disabled_sites when that key is absent.
const migrateLegacy = (document: Record<string, unknown>): { document: Record<string, unknown>; warnings: Array<string> } => {
  const email = document["email"]
  if (!isTable(email) || typeof email["ffnet_disable"] !== "boolean") return { document, warnings: [] }
  if ("disabled_sites" in email) {
    return { document, warnings: ["email.ffnet_disable is ignored because email.disabled_sites is set"] }
  }
  const disabled = email["ffnet_disable"] ? ["fanfiction"] : []
  return {
    document: { ...document, email: { ...email, disabled_sites: disabled } },
    warnings: [`email.ffnet_disable is deprecated; read as disabled_sites = ${JSON.stringify(disabled)}`]
  }
}

// Where a cross-checked key got its value: the environment variable that set it, else its line
// in the file (a compose file's FFDL_WEB__HOST is not at config.toml's [web] host).
type Locate = (key: string) => Pick<ConfigProblem, "key" | "source" | "line">

const locator = (file: string, lines: ReadonlyMap<string, number>, overrides: ReadonlyArray<Override>): Locate => (key) => {
  const override = overrides.find((entry) => entry.path.join(".") === key)
  if (override !== undefined) return { key: override.variable, source: "environment" }
  const line = lineOf(lines, key)
  return { key, source: file, ...(line === undefined ? {} : { line }) }
}

const crossChecks = (values: ConfigFile, locate: Locate, overrides: ReadonlyArray<Override>): Array<ConfigProblem> => {
  const problems: Array<ConfigProblem> = []
  if (values.pushbullet.enabled && Redacted.value(values.pushbullet.api_key) === "") {
    problems.push({
      ...locate("pushbullet.api_key"),
      message: "is empty but pushbullet.enabled = true; set your Pushbullet access token or set enabled = false"
    })
  }
  const web = values.web
  if (web.enabled && !isLoopbackHost(web.host) && Redacted.value(web.token) === "") {
    const tokenVariable = overrides.find((entry) => entry.path.join(".") === "web.token")?.variable
    const token = tokenVariable === undefined ? "web.token is empty" : `web.token is empty (${tokenVariable} is set, to nothing)`
    problems.push({
      ...locate("web.host"),
      message: `is "${web.host}", which other machines can reach, but ${token}; set ${tokenVariable ?? "web.token"} to a long random string, or host = "127.0.0.1"`
    })
  }
  return problems
}

const presentUnusedKeys = (document: Record<string, unknown>) =>
  unusedKeys
    .filter((key) => valueAt(document, key.split(".")) !== undefined)
    .map((key) => `${key} is accepted for compatibility with AutomatedFanfic but has no effect here`)

export const interpretConfig = (
  source: string,
  file: string,
  environment: Readonly<Record<string, string | undefined>>
): Result.Result<LoadedConfig, ConfigError> => {
  let parsed: Record<string, unknown>
  try {
    parsed = parse(source)
  } catch (error) {
    const problem: ConfigProblem = error instanceof TomlError
      ? { key: "", source: file, line: error.line, column: error.column, message: `TOML syntax error: ${error.message.split("\n")[0]}` }
      : { key: "", source: file, message: `cannot be read as TOML: ${String(error)}` }
    return Result.fail(new ConfigError({ file, problems: [problem] }))
  }
  const lines = keyLines(source)
  const legacy = migrateLegacy(parsed)
  const environmentOverrides = readOverrides(environment, catalogue)
  const document = applyOverrides(legacy.document, environmentOverrides.overrides)
  const decoded = decodeConfigFile(document)
  if (Result.isFailure(decoded)) {
    const problems = [...problemsFromSchema(decoded.failure.issue, document, file, lines), ...environmentOverrides.problems]
    return Result.fail(new ConfigError({ file, problems }))
  }
  const locate = locator(file, lines, environmentOverrides.overrides)
  const problems = [...environmentOverrides.problems, ...crossChecks(decoded.success, locate, environmentOverrides.overrides)]
  if (problems.length > 0) return Result.fail(new ConfigError({ file, problems }))
  return Result.succeed({
    file,
    values: decoded.success,
    warnings: [...legacy.warnings, ...presentUnusedKeys(parsed)]
  })
}
