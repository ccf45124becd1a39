import type { ConfigProblem } from "./ConfigError.ts"
import type { KeyEntry } from "./keyCatalogue.ts"
import { closestName } from "./suggest.ts"

// FFDL_* environment overrides, as AutomatedFanfic reads them (FFDL_SECTION__KEY, or
// FFDL_SECTION_KEY split at the first underscore), but typed by the schema: a password of
// digits stays text, and FFDL_MAX_WORKERS reaches the top-level key.

export const prefix = "FFDL_"

export interface Override {
  /** The environment variable it came from, e.g. FFDL_EMAIL__SERVER; named in problems. */
  readonly variable: string
  /** The config key it sets, one lowercased segment per table level, e.g. ["email", "server"]. */
  readonly path: ReadonlyArray<string>
  /** The value, typed by the key's kind in the schema: number, boolean, list of strings or text. */
  readonly value: unknown
}

const pathFor = (suffix: string, known: ReadonlyMap<string, KeyEntry>): ReadonlyArray<string> => {
  if (suffix.includes("__")) return suffix.split("__").filter((part) => part !== "").map((part) => part.toLowerCase())
  const whole = suffix.toLowerCase()
  if (known.has(whole)) return [whole]
  const underscore = whole.indexOf("_")
  return underscore < 0 ? [whole] : [whole.slice(0, underscore), whole.slice(underscore + 1)]
}

const coerce = (entry: KeyEntry, raw: string): { readonly value: unknown } | { readonly problem: string } => {
  switch (entry.kind) {
    case "number":
      return /^\s*-?\d+(\.\d+)?\s*$/.test(raw) ? { value: Number(raw) } : { problem: `expected a number, found "${raw}"` }
    case "boolean": {
      const lowered = raw.trim().toLowerCase()
      if (lowered === "true" || lowered === "false") return { value: lowered === "true" }
      return { problem: `expected true or false, found "${raw}"` }
    }
    case "list":
      return { value: raw.split(",").map((item) => item.trim()).filter((item) => item !== "") }
    case "section":
      return { problem: "names a whole section; set one of its keys, e.g. FFDL_SECTION__KEY" }
    case "text":
      return { value: raw }
  }
}

const variableFor = (path: string) => `${prefix}${path.toUpperCase().replaceAll(".", "__")}`

export const readOverrides = (
  environment: Readonly<Record<string, string | undefined>>,
  catalogue: ReadonlyArray<KeyEntry>
): { readonly overrides: ReadonlyArray<Override>; readonly problems: ReadonlyArray<ConfigProblem> } => {
  const known = new Map(catalogue.map((entry) => [entry.path, entry]))
  const overrides: Array<Override> = []
  const problems: Array<ConfigProblem> = []
  for (const [variable, raw] of Object.entries(environment)) {
    if (!variable.startsWith(prefix) || raw === undefined) continue
    const path = pathFor(variable.slice(prefix.length), known)
    const entry = known.get(path.join("."))
    if (entry === undefined) {
      const hint = closestName(path.join("."), catalogue.filter((e) => e.kind !== "section").map((e) => e.path))
      problems.push({
        key: variable,
        source: "environment",
        message: `no setting ${path.join(".")} exists${hint === undefined ? "" : `; did you mean ${variableFor(hint)}?`}`
      })
      continue
    }
    const coerced = coerce(entry, raw)
    if ("problem" in coerced) {
      problems.push({ key: variable, source: "environment", message: `${entry.path}: ${coerced.problem}` })
    } else {
      overrides.push({ variable, path, value: coerced.value })
    }
  }
  return { overrides, problems }
}

const isTable = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

// Returns a copy of the document with the overrides written in; sections are created as needed.
export const applyOverrides = (document: Record<string, unknown>, overrides: ReadonlyArray<Override>) => {
  const result: Record<string, unknown> = structuredClone(document)
  for (const override of overrides) {
    let table = result
    for (const segment of override.path.slice(0, -1)) {
      const next = table[segment]
      const child: Record<string, unknown> = isTable(next) ? next : {}
      table[segment] = child
      table = child
    }
    const last = override.path[override.path.length - 1]
    if (last !== undefined) table[last] = override.value
  }
  return result
}
