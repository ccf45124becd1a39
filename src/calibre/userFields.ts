import { Predicate, Schema } from "effect"
import { withoutConfigFolderNotice } from "./calibredbOutput.ts"

// The parts of a Calibre record that belong to the user rather than to the EPUB: custom columns,
// rating, tags they added, the date the book was first added. preserve_metadata carries these
// from the old record onto the re-added book.

export const UserRecord = Schema.StructWithRest(
  Schema.Struct({
    id: Schema.Int,
    tags: Schema.optionalKey(Schema.Array(Schema.String)),
    rating: Schema.optionalKey(Schema.Number),
    timestamp: Schema.optionalKey(Schema.String)
  }),
  [Schema.Record(Schema.String, Schema.Unknown)]
)
export type UserRecord = typeof UserRecord.Type

const decodeRecords = Schema.decodeUnknownResult(Schema.fromJsonString(Schema.Array(UserRecord)))

export const decodeUserRecords = (stdout: string) => decodeRecords(withoutConfigFolderNotice(stdout))

export const userFieldNames = (customColumns: ReadonlyArray<string>) =>
  ["tags", "rating", "timestamp", ...customColumns.map((label) => `*${label}`)].join(",")

// "label (3)" per line, as `calibredb custom_columns` prints them.
export const parseCustomColumns = (stdout: string): ReadonlyArray<string> =>
  stdout.split("\n").map((line) => /^(\S+) \(\d+\)$/.exec(line.trim())?.[1]).filter(Predicate.isNotUndefined)

const asFieldValue = (value: unknown): string | undefined => {
  if (value === null || value === undefined || value === "None") return undefined
  if (Array.isArray(value)) return value.map(String).join(",")
  if (typeof value === "boolean") return value ? "true" : "false"
  if (typeof value === "number" || typeof value === "string") return String(value)
  return undefined
}

// set_metadata -f arguments that put the old record's user fields onto the new book. Tags are
// merged (the new EPUB's subjects plus the user's own); rating is stored doubled by calibre.
export const restoreArguments = (old: UserRecord, added: UserRecord, customColumns: ReadonlyArray<string>): ReadonlyArray<string> => {
  const fields: Array<string> = []
  const tags = [...new Set([...(added.tags ?? []), ...(old.tags ?? [])])]
  if (tags.length > 0) fields.push(`tags:${tags.join(",")}`)
  if (old.rating !== undefined && old.rating > 0) fields.push(`rating:${old.rating / 2}`)
  if (old.timestamp !== undefined) fields.push(`timestamp:${old.timestamp}`)
  for (const label of customColumns) {
    const value = asFieldValue(old[`*${label}`])
    if (value !== undefined && value !== "") fields.push(`#${label}:${value}`)
  }
  return fields.flatMap((field) => ["-f", field])
}

// Which user fields of the old record the new one does not carry; empty when all survived.
export const lostUserFields = (old: UserRecord, current: UserRecord, customColumns: ReadonlyArray<string>): ReadonlyArray<string> => {
  const lost: Array<string> = []
  for (const label of customColumns) {
    const before = asFieldValue(old[`*${label}`])
    if (before !== undefined && before !== "" && before !== asFieldValue(current[`*${label}`])) lost.push(`#${label}`)
  }
  if ((old.rating ?? 0) > 0 && old.rating !== current.rating) lost.push("rating")
  for (const tag of old.tags ?? []) if (!(current.tags ?? []).includes(tag)) lost.push(`tag ${tag}`)
  return lost
}
