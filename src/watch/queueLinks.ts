import { Effect } from "effect"
import { Sites } from "../sites/Sites.ts"
import type { StoryRef } from "../sites/siteId.ts"
import { Store } from "../store/Store.ts"

// Links a watch source found (feed entries, a reading list's stories) become jobs: each link
// is identified as mail links are, each story queued once. With addNew false only stories the
// store already knows are followed.

export const queueLinks = Effect.fn("queueLinks")(function* (links: ReadonlyArray<string>, options: { readonly origin: string; readonly addNew: boolean }) {
  const store = yield* Store
  const verdicts = yield* (yield* Sites).identify(links)
  const stories = new Map<string, StoryRef>()
  for (const verdict of verdicts) if (verdict._tag === "Story") stories.set(verdict.story.key, verdict.story)
  const known = new Set((yield* store.stories).map((story) => story.key))
  const wanted = [...stories.values()].filter((story) => options.addNew || known.has(story.key))
  const jobIds: Array<number> = []
  for (const story of wanted) {
    const { job } = yield* store.request({ storyKey: story.key, url: story.url, site: story.site, origin: options.origin, force: false })
    jobIds.push(job.id)
  }
  return { found: stories.size, jobIds }
})
