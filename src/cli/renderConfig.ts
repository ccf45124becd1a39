import { Predicate, Redacted } from "effect"
import type { LoadedConfig } from "../config/interpret.ts"

// The effective configuration as TOML-like text, secrets masked. Redacted values print as
// "<redacted>" when set and "" when empty, so a user can tell "missing" from "hidden".

const masked = (secret: Redacted.Redacted<unknown>) => (Redacted.value(secret) === "" ? "" : "<redacted>")

const render = (value: unknown): string => {
  if (Redacted.isRedacted(value)) return JSON.stringify(masked(value))
  if (Array.isArray(value)) return `[${value.map(render).join(", ")}]`
  if (typeof value === "string") return JSON.stringify(value)
  return String(value)
}

const isSection = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !Redacted.isRedacted(value)

export const renderEffectiveConfig = (config: LoadedConfig): string => {
  const top: Array<string> = []
  const sections: Array<string> = []
  for (const [key, value] of Object.entries(config.values)) {
    if (isSection(value)) {
      sections.push("", `[${key}]`, ...Object.entries(value).map(([name, field]) => `${name} = ${render(field)}`))
    } else {
      top.push(`${key} = ${render(value)}`)
    }
  }
  return [`# effective configuration from ${config.file}`, ...top, ...sections].join("\n")
}

// The same as plain data, for the HTTP API.
export const maskedConfig = (value: unknown): unknown => {
  if (Redacted.isRedacted(value)) return masked(value)
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
