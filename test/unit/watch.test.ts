import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import { interpretConfig } from "../../src/config/interpret.ts"
import { lastUpdateFromTags, statusFromTags } from "../../src/watch/libraryBooks.ts"

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
