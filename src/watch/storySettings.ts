import { Effect, Schema } from "effect"
import type { UpdateMethod } from "../config/ConfigSchema.ts"
import { Store } from "../store/Store.ts"
import type { WatchState } from "../store/watchRecords.ts"

// A person's settings for one story: follow it, pause it (no sweep, no alert-triggered
// update until resumed), ignore it for good, or give it its own update_method. Shared by the
// `story` command and the HTTP API.

export class StoryNotKnown extends Schema.TaggedError<StoryNotKnown>()("StoryNotKnown", { story: Schema.String }) {
  override get message() {
    return `no story ${this.story} in the job store; name it by its key (site:id, as \`status\` shows) or its link`
  }
}

// By key, or by the link the store holds for it.
const findStoryKey = Effect.fn("findStoryKey")(function* (name: string) {
  const stories = yield* (yield* Store).stories
  const story = stories.find((candidate) => candidate.key === name || candidate.url === name)
  if (story === undefined) return yield* new StoryNotKnown({ story: name })
  return story.key
})

const describeWatch: Record<Exclude<WatchState, "gone">, string> = {
  follow: "followed again: swept, and updated on alerts",
  paused: "paused: not swept and not updated on alerts until resumed",
  ignored: "ignored: never swept or updated unless you ask for it"
}

export const setStoryWatch = Effect.fn("setStoryWatch")(function* (name: string, watch: Exclude<WatchState, "gone">) {
  const key = yield* findStoryKey(name)
  yield* (yield* Store).setWatch(key, watch, "asked by a person")
  return `${key} ${describeWatch[watch]}`
})

export const setStoryUpdateMethod = Effect.fn("setStoryUpdateMethod")(function* (name: string, method: UpdateMethod | null) {
  const key = yield* findStoryKey(name)
  yield* (yield* Store).setUpdateMethod(key, method)
  return method === null ? `${key} uses [calibre] update_method again` : `${key} is updated with update_method = ${method}`
})
