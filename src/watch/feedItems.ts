import { Option, Predicate, Schema } from "effect"
import { parseFeed } from "htmlparser2"

// The entries of an RSS or Atom feed, as far as the watch needs them: each one's link and
// date. The feed is untrusted: htmlparser2 reads the XML, then a Schema checks its answer.

const FeedEntries = Schema.Struct({
  items: Schema.Array(Schema.Struct({
    link: Schema.optional(Schema.String),
    // Left unchecked here: one unreadable date must not reject the whole feed.
    pubDate: Schema.optional(Schema.Unknown)
  }))
})
const decodeEntries = Schema.decodeUnknownOption(FeedEntries)

interface FeedEntry {
  readonly link: string
  readonly published: number | undefined
}

// A feed's unreadable date is no date.
const validTime = (date: unknown) => (Predicate.isDate(date) && !Number.isNaN(date.getTime()) ? date.getTime() : undefined)

export const readFeed = (xml: string): Option.Option<ReadonlyArray<FeedEntry>> =>
  Option.flatMap(decodeEntries(parseFeed(xml, { xmlMode: true })), (feed) =>
    Option.some(feed.items.flatMap((item) =>
      item.link === undefined || item.link.trim() === "" ? [] : [{ link: item.link.trim(), published: validTime(item.pubDate) }]
    )))

// Entries new since the feed was last read; undated ones always count (the cheap check makes
// a repeat cheap).
export const entriesSince = (entries: ReadonlyArray<FeedEntry>, lastReadAt: number | null): ReadonlyArray<FeedEntry> =>
  lastReadAt === null ? entries : entries.filter((entry) => entry.published === undefined || entry.published > lastReadAt)
