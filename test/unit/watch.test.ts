import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import { interpretConfig } from "../../src/config/interpret.ts"
import type { Job } from "../../src/jobs/Job.ts"
import type { WatchedStory } from "../../src/store/watchRecords.ts"
import { compareCheck, isWatchOrigin } from "../../src/watch/cheapCheck.ts"
import { pausedReason, refreshOptionsFor } from "../../src/coordinator/jobWatch.ts"
import { lastUpdateFromTags, statusFromTags } from "../../src/watch/libraryBooks.ts"
import { dueForSweep, sweepSettings } from "../../src/watch/sweepDue.ts"
import { entriesSince, readFeed } from "../../src/watch/feedItems.ts"
import { Option } from "effect"

// The watch sources' pure parts: configuration, what a Calibre book says of its story.

const watchOf = (text: string) => {
  const result = interpretConfig(text, "config.toml", {})
  if (Result.isFailure(result)) throw new Error(result.failure.message)
  return result.success.values.watch
}

describe("[watch] configuration", () => {
  it("is off by default except the import", () => {
    expect(watchOf("")).toEqual({ library_sweep_hours: 0, completed_sweep_days: 30, import_hours: 24, lists: [], list_hours: 24, feeds: [], feed_minutes: 60 })
  })

  it("takes lists as links or as tables with add_new", () => {
    const watch = watchOf(`[watch]\nlibrary_sweep_hours = 24\nlists = ["https://archiveofourown.org/users/a/bookmarks", { url = "https://archiveofourown.org/series/1", add_new = false }]\n`)
    expect(watch.lists).toEqual(["https://archiveofourown.org/users/a/bookmarks", { url: "https://archiveofourown.org/series/1", add_new: false }])
    expect(watch.library_sweep_hours).toBe(24)
  })

  it("names an unknown key with its section", () => {
    const result = interpretConfig("[watch]\nlibrary_sweep_hour = 24\n", "config.toml", {})
    expect(Result.isFailure(result) && result.failure.message).toMatch(/library_sweep_hour.*unknown key in \[watch\].*library_sweep_hours/s)
  })
})

describe("what a FanFicFare book's tags say", () => {
  it.each([
    [["FanFiction", "In-Progress"], "In-Progress", null],
    [["Completed", "Last Update: 2024/01/31"], "Completed", "2024-01-31"],
    [["Last Update Year/Month: 1975/04", "Last Update: 1975/04/15"], null, "1975-04-15"],
    [[], null, null]
  ])("%j → status %s, updated %s", (tags, status, updated) => {
    expect(statusFromTags(tags)).toBe(status)
    expect(lastUpdateFromTags(tags)).toBe(updated)
  })
})

describe("the cheap check's verdict", () => {
  it.each([
    [{ chapters: 2, dateUpdated: "2024-01-01" }, { chapters: 4, dateUpdated: "2024-02-01" }, "more"],
    [{ chapters: 2, dateUpdated: null }, { chapters: 3 }, "more"],
    [{ chapters: 4, dateUpdated: "2024-01-01" }, { chapters: 4, dateUpdated: "2024-01-01" }, "same"],
    [{ chapters: 4, dateUpdated: null }, { chapters: 4, dateUpdated: "2024-01-01" }, "same"],
    [{ chapters: 4, dateUpdated: "2024-01-01" }, { chapters: 4, dateUpdated: "2024-03-01 10:00" }, "revised"],
    [{ chapters: 5, dateUpdated: "2024-01-01" }, { chapters: 3, dateUpdated: "2024-03-01" }, "fewer"]
  ] as const)("store %j, site %j → %s", (known, seen, verdict) => {
    expect(compareCheck(known, seen)).toBe(verdict)
  })
})

const hour = 3_600_000
const story = (key: string, overrides: Partial<WatchedStory> = {}): WatchedStory => ({
  key, url: `http://test1.com?sid=${key}`, site: "test1", title: null, chapters: 3, bookId: null, lastOutcome: "imported", updatedAt: 0,
  status: "In-Progress", dateUpdated: null, watch: "follow", updateMethod: null, checkedAt: null, lastRunAt: null, openJob: 0, ...overrides
})

describe("what is due for a sweep", () => {
  const now = 1000 * hour
  const settings = sweepSettings({ library_sweep_hours: 24, completed_sweep_days: 30 })
  it.each([
    ["never asked, In-Progress", story("a"), true],
    ["checked 23 h ago", story("a", { checkedAt: now - 23 * hour }), false],
    ["checked 25 h ago", story("a", { checkedAt: now - 25 * hour }), true],
    ["updated by a job 2 h ago", story("a", { checkedAt: now - 30 * hour, lastRunAt: now - 2 * hour }), false],
    ["has an open job", story("a", { openJob: 1 }), false],
    ["paused", story("a", { watch: "paused" }), false],
    ["gone", story("a", { watch: "gone" }), false],
    ["on a paused site", story("a", { site: "ao3" }), false],
    ["Completed, imported an hour ago", story("a", { status: "Completed", updatedAt: now - hour }), false],
    ["Completed, checked 31 days ago", story("a", { status: "Completed", checkedAt: now - 31 * 24 * hour, updatedAt: now - 40 * 24 * hour }), true],
    ["unknown status counts as In-Progress", story("a", { status: null }), true]
  ] as const)("%s → %s", (_name, candidate, due) => {
    expect(dueForSweep([candidate], new Set(["ao3"]), now, settings).length === 1).toBe(due)
  })

  it("puts the longest unasked first, and checks nothing when off", () => {
    const stories = [story("b", { checkedAt: now - 30 * hour }), story("c", { checkedAt: now - 50 * hour }), story("a")]
    expect(dueForSweep(stories, new Set(), now, settings).map((s) => s.key)).toEqual(["a", "c", "b"])
    expect(dueForSweep(stories, new Set(), now, sweepSettings({ library_sweep_hours: 0, completed_sweep_days: 30 }))).toEqual([])
  })
})

const job = (origins: ReadonlyArray<string>): Job => ({
  id: 1, storyKey: "test1:1", url: "http://test1.com?sid=1", site: "test1", state: "running", attempts: 1, interruptions: 0, force: false, origins, nextAttemptAt: null, lastError: null
})

describe("a story's watch settings for one job", () => {
  it.each([
    [["sweep"], story("a"), true],
    [["list:https://x/y", "feed:https://x/f"], story("a"), true],
    [["sweep", "email:INBOX:1:2"], story("a"), false],
    [["manual"], story("a"), false],
    [["sweep"], story("a", { chapters: null }), false]
  ] as const)("origins %j → checked first: %s", (origins, watched, checked) => {
    expect(refreshOptionsFor(job(origins), watched, false).checkFirst !== undefined).toBe(checked)
    expect(isWatchOrigin(origins[0])).toBe(origins[0] !== "manual" && !origins[0].startsWith("email"))
  })

  it("takes the story's own update_method", () => {
    expect(refreshOptionsFor(job(["manual"]), story("a", { updateMethod: "update_always" }), false).updateMethod).toBe("update_always")
    expect(refreshOptionsFor(job(["manual"]), story("a"), false).updateMethod).toBeUndefined()
  })

  it.each([
    [["email:INBOX:1:2"], "paused", true],
    [["sweep"], "ignored", true],
    [["manual"], "paused", false],
    [["sweep"], "follow", false],
    [["feed:https://x/f"], "gone", true]
  ] as const)("origins %j on a %s story → skipped: %s", (origins, watch, skipped) => {
    expect(pausedReason(job(origins), story("a", { watch })) !== undefined).toBe(skipped)
  })
})

describe("reading a feed", () => {
  it.each([
    ["RSS", `<?xml version="1.0"?><rss version="2.0"><channel><item><link>http://test1.com?sid=1&amp;chapter=2</link><pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate></item><item><title>no link</title></item></channel></rss>`,
      [{ link: "http://test1.com?sid=1&chapter=2", published: Date.UTC(2026, 11, 1, 10) }]],
    ["Atom", `<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="https://www.royalroad.com/fiction/1/x/chapter/2/y"/><updated>not a date</updated></entry></feed>`,
      [{ link: "https://www.royalroad.com/fiction/1/x/chapter/2/y", published: undefined }]]
  ])("%s gives each entry's link and date", (_kind, xml, entries) => {
    expect(readFeed(xml)).toEqual(Option.some(entries))
  })

  it.each([["an HTML page", "<html><body>hi</body></html>"], ["garbage", "<<<"], ["nothing", ""]])("%s is no feed", (_name, text) => {
    expect(readFeed(text)).toEqual(Option.none())
  })

  it("keeps the entries newer than the last read, and the undated ones", () => {
    const entries = [{ link: "a", published: 10 }, { link: "b", published: 30 }, { link: "c", published: undefined }]
    expect(entriesSince(entries, 20).map((entry) => entry.link)).toEqual(["b", "c"])
    expect(entriesSince(entries, null)).toHaveLength(3)
  })
})
