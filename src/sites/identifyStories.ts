import { Effect, Result } from "effect"
import { type Identified, Sites } from "./Sites.ts"
import type { StoryRef } from "./siteId.ts"
import { InvalidStoryUrl, type StoryUrl } from "../stories/StoryUrl.ts"

// From links a person typed (`add`, the dashboard) to the stories they name, or why a link names none.

const reasonFor = (verdict: Identified | undefined) => {
  if (verdict?._tag === "NeedsLookup") return "it names a chapter, not the story; give the story's own link"
  return verdict?._tag === "NotAStory" && verdict.reason !== undefined ? verdict.reason : "no FanFicFare site recognises it as a story link"
}

export const identifyStories = Effect.fn("identifyStories")(function* (urls: ReadonlyArray<StoryUrl>) {
  const verdicts = yield* (yield* Sites).identify(urls)
  return urls.map((url, index): Result.Result<StoryRef, InvalidStoryUrl> => {
    const verdict = verdicts[index]
    return verdict?._tag === "Story" ? Result.succeed(verdict.story) : Result.fail(new InvalidStoryUrl({ input: url, reason: reasonFor(verdict) }))
  })
})
