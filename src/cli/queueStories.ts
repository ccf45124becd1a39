import { Effect } from "effect"
import type { Job } from "../jobs/Job.ts"
import type { StoryRef } from "../sites/siteId.ts"
import { Store } from "../store/Store.ts"
import { identifyStories } from "../sites/identifyStories.ts"
import type { StoryUrl } from "../stories/StoryUrl.ts"

// Links a person typed (`add`, `once --url`) become jobs in the Store. Every link is checked
// before any is queued, so a typo queues nothing.

interface QueuedStory {
  /** The story the link names. */
  readonly story: StoryRef
  /** Its job, new or the one already queued. */
  readonly job: Job
  /** True when the link joined a job already queued for the story. */
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
