import { Effect } from "effect"
import type { Job } from "../jobs/Job.ts"
import type { StoryRef } from "../sites/siteId.ts"
import { Store } from "../store/Store.ts"
import { identifyStories } from "../sites/identifyStories.ts"
import type { StoryUrl } from "../stories/StoryUrl.ts"

// Links a person typed (`add`, `once --url`) become jobs in the Store. Every link is checked
// before any is queued, so a typo queues nothing.

interface QueuedStory {
  /** The story the link names, as FanFicFare's site rules identify it. */
  readonly story: StoryRef
  /** The story's job: a new one, or the open one (queued, running or waiting) the link joined. */
  readonly job: Job
  /** Whether the link joined the story's open job instead of queueing a new one. */
  readonly merged: boolean
}

export const queueStories = Effect.fn("queueStories")(function* (links: ReadonlyArray<StoryUrl>, request: { readonly origin: string; readonly force: boolean }) {
  const store = yield* Store
  const identified = yield* identifyStories(links)
  const stories = yield* Effect.forEach(identified, Effect.fromResult)
  return yield* Effect.forEach(stories, (story) =>
    Effect.map(
      store.request({ storyKey: story.key, url: story.url, site: story.site, origin: request.origin, force: request.force }),
      ({ job, merged }): QueuedStory => ({ story, job, merged })
    ))
})
