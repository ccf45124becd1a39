import { Result, Schema } from "effect"

// A story link as the user or an email gives it. Only http(s) URLs pass, and nothing that could
// be read as a command-line option ever reaches FanFicFare or calibredb.

export class InvalidStoryUrl extends Schema.TaggedError<InvalidStoryUrl>()("InvalidStoryUrl", {
  input: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `"${this.input}" is not a story URL: ${this.reason}`
  }
}

const StoryUrl = Schema.String.pipe(Schema.brand("StoryUrl"))
export type StoryUrl = typeof StoryUrl.Type

const makeStoryUrl = Schema.decodeSync(StoryUrl)

export const parseStoryUrl = (input: string): Result.Result<StoryUrl, InvalidStoryUrl> => {
  const text = input.trim()
  if (text.startsWith("-")) return Result.fail(new InvalidStoryUrl({ input, reason: "it starts with '-'" }))
  if (!URL.canParse(text)) return Result.fail(new InvalidStoryUrl({ input, reason: "write it in full, e.g. https://archiveofourown.org/works/123" }))
  const protocol = new URL(text).protocol
  if (protocol !== "http:" && protocol !== "https:") {
    return Result.fail(new InvalidStoryUrl({ input, reason: `only http and https links are stories, not ${protocol.slice(0, -1)}` }))
  }
  // The text is kept as written: FanFicFare's site rules, not URL serialisation, decide its canonical form.
  return Result.succeed(makeStoryUrl(text))
}
