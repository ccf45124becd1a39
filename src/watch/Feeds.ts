import { Effect, Option, Schema } from "effect"
import { Sites } from "../sites/Sites.ts"
import { Store } from "../store/Store.ts"
import { feedOrigin } from "./cheapCheck.ts"
import { entriesSince, readFeed } from "./feedItems.ts"
import { queueLinks } from "./queueLinks.ts"
import type { WatchSource } from "./WatchSource.ts"

// RSS and Atom feeds of story updates (Royal Road fiction syndication, SpaceBattles and
// SufficientVelocity threadmarks, AO3 tags and works): one conditional request per feed per
// feed_minutes; each entry's link goes through the same identification as mail, and its story
// is queued with the origin feed:URL (known stories are checked cheaply first).

class FeedFailed extends Schema.TaggedError<FeedFailed>()("FeedFailed", {
  feed: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `${this.reason}; check the address in [watch] feeds`
  }
}

const timeoutMs = 30_000

const request = (url: string, validators: { readonly etag: string | null; readonly lastModified: string | null }) =>
  Effect.tryPromise({
    try: async (signal) => {
      const headers: Record<string, string> = { accept: "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5" }
      if (validators.etag !== null) headers["if-none-match"] = validators.etag
      if (validators.lastModified !== null) headers["if-modified-since"] = validators.lastModified
      const response = await fetch(url, { headers, redirect: "follow", signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) })
      return { status: response.status, etag: response.headers.get("etag"), lastModified: response.headers.get("last-modified"), body: response.status === 200 ? await response.text() : "" }
    },
    catch: (error) => new FeedFailed({ feed: url, reason: `cannot be fetched: ${error instanceof Error ? error.message : String(error)}` })
  })

export const makeFeedSources = Effect.fnUntraced(function* (watch: { readonly feeds: ReadonlyArray<string>; readonly feed_minutes: number }) {
  const store = yield* Store
  const sites = yield* Sites

  const readOne = Effect.fn("Feeds.read")(function* (url: string) {
    const origin = feedOrigin(url)
    const state = (yield* store.sources).find((source) => source.source === origin)
    const answer = yield* request(url, { etag: state?.etag ?? null, lastModified: state?.lastModified ?? null })
    yield* store.recordEvent("feed-request", `${origin}: HTTP ${answer.status}`)
    const validators = { ...(answer.etag === null ? {} : { etag: answer.etag }), ...(answer.lastModified === null ? {} : { lastModified: answer.lastModified }) }
    if (answer.status === 304) return { found: 0, jobIds: [], ...validators }
    if (answer.status !== 200) return yield* new FeedFailed({ feed: url, reason: `answered HTTP ${answer.status}` })
    const entries = readFeed(answer.body)
    if (Option.isNone(entries)) return yield* new FeedFailed({ feed: url, reason: "is not an RSS or Atom feed" })
    const fresh = entriesSince(entries.value, state?.lastRunAt ?? null)
    const queued = yield* queueLinks(fresh.map((entry) => entry.link), { origin, addNew: true }).pipe(Effect.provideService(Sites, sites), Effect.provideService(Store, store))
    return { ...queued, ...validators }
  })

  return watch.feeds.map((url): WatchSource => ({ name: feedOrigin(url), everyMs: watch.feed_minutes * 60_000, run: readOne(url) }))
})
