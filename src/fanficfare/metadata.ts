import { Option, Schema, SchemaGetter } from "effect"

// The --json-meta document FanFicFare prints after a story. Everything arrives as text,
// including counts such as "123,456".

const Count = Schema.String.pipe(
  Schema.decodeTo(Schema.Int, {
    decode: SchemaGetter.transform((text: string) => Number(text.replaceAll(",", ""))),
    encode: SchemaGetter.transform((count: number) => String(count))
  })
)

export const StoryMetadata = Schema.Struct({
  title: Schema.String,
  author: Schema.String,
  site: Schema.String,
  storyId: Schema.String,
  storyUrl: Schema.String,
  numChapters: Count,
  numWords: Schema.optionalKey(Count),
  status: Schema.optionalKey(Schema.String),
  dateUpdated: Schema.optionalKey(Schema.String)
})
export type StoryMetadata = typeof StoryMetadata.Type

const decodeMetadata = Schema.decodeUnknownOption(Schema.fromJsonString(StoryMetadata))

// The JSON object starts at a line that is exactly "{" and ends at the next line that is exactly "}".
const firstJsonObject = (stdout: string): Option.Option<string> => {
  const lines = stdout.split("\n")
  const start = lines.indexOf("{")
  if (start < 0) return Option.none()
  const end = lines.indexOf("}", start)
  if (end < 0) return Option.none()
  return Option.some(lines.slice(start, end + 1).join("\n"))
}

export const parseJsonMeta = (stdout: string): Option.Option<StoryMetadata> => Option.flatMap(firstJsonObject(stdout), decodeMetadata)

// What --list --json-meta prints for a page: its story links (series pages add a name).
const StoryList = Schema.Struct({ urllist: Schema.Array(Schema.String) })
const decodeStoryList = Schema.decodeUnknownOption(Schema.fromJsonString(StoryList))

export const parseJsonList = (stdout: string): Option.Option<ReadonlyArray<string>> =>
  Option.map(Option.flatMap(firstJsonObject(stdout), decodeStoryList), (list) => list.urllist)
