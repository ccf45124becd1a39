import { Predicate, Redacted } from "effect"
import { stringify } from "smol-toml"
import type { ConfigFile } from "./ConfigSchema.ts"
import type { LoadedConfig } from "./interpret.ts"
import { maskUrlCredentials } from "./maskUrls.ts"

// The effective configuration as TOML, secrets masked: a file the user could load again (every
// table, nested ones like [sites.concurrency] too, written by the TOML library we read with).
// Redacted values print as "<redacted>" when set and "" when empty, so a user can tell "missing"
// from "hidden".

const masked = (secret: Redacted.Redacted<unknown>) => (Redacted.value(secret) === "" ? "" : "<redacted>")

const isSection = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !Redacted.isRedacted(value)

export const maskedValues = (values: ConfigFile): Record<string, unknown> =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [key, maskedConfig(value)]))

export const renderEffectiveConfig = (config: LoadedConfig): string =>
  `# effective configuration from ${config.file}\n${stringify(maskedValues(config.values))}`

// The same as plain data, for the HTTP API. A URL's userinfo is a secret too, in any setting.
export const maskedConfig = (value: unknown): unknown => {
  if (Redacted.isRedacted(value)) return masked(value)
  if (typeof value === "string") return maskUrlCredentials(value)
  if (Array.isArray(value)) return value.map(maskedConfig)
  if (isSection(value)) return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, maskedConfig(field)]))
  return value
}

// What a command still needs before it can run; empty when nothing is missing.
export const missingForMail = (config: LoadedConfig): ReadonlyArray<string> => {
  const email = config.values.email
  return [
    email.server === "" ? "email.server" : undefined,
    email.email === "" ? "email.email" : undefined,
    Redacted.value(email.password) === "" && Redacted.value(email.access_token) === "" && email.access_token_command === ""
      ? "email.password (or access_token / access_token_command)"
      : undefined,
    config.values.calibre.path === "" ? "calibre.path" : undefined
  ].filter(Predicate.isNotUndefined)
}
