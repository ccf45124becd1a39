import { describe, expect, it } from "@effect/vitest"
import { Option, Result } from "effect"
import { exactUrlQuery, parseAddedIds } from "../../src/calibre/calibredbOutput.ts"
import { InvalidStoryUrl, parseStoryUrl } from "../../src/stories/StoryUrl.ts"

describe("parseStoryUrl", () => {
  it.each([
    "https://archiveofourown.org/works/123",
    "http://test1.com?sid=1",
    "  https://www.fanfiction.net/s/1234567/1/  "
  ])("accepts %s", (input) => {
    expect(Result.getOrThrow(parseStoryUrl(input))).toBe(input.trim())
  })

  it.each([
    ["-o=evil", "starts with '-'"],
    ["--force", "starts with '-'"],
    ["ftp://example.com/story", "not ftp"],
    ["javascript:alert(1)", "not javascript"],
    ["file:///etc/passwd", "not file"],
    ["archiveofourown.org/works/1", "write it in full"],
    ["not a url", "write it in full"],
    ["", "write it in full"]
  ])("rejects %j (%s)", (input, reason) => {
    const error = Option.getOrThrow(Result.getFailure(parseStoryUrl(input)))
    expect(error).toBeInstanceOf(InvalidStoryUrl)
    expect(error.message).toContain(reason)
  })
})

describe("calibredb output and queries", () => {
  it("builds an exact url identifier query, escaping as calibre's search parser needs", () => {
    expect(exactUrlQuery("https://archiveofourown.org/works/123")).toBe("identifiers:\"=url:=https://archiveofourown.org/works/123\"")
    expect(exactUrlQuery("https://x.org/a,b")).toBe("identifiers:\"=url:=https://x.org/a|b\"")
    expect(exactUrlQuery("https://x.org/A_(b)\"c\\d")).toBe("identifiers:\"=url:=https://x.org/A_(b)\\\"c\\\\d\"")
  })

  it("reads the added book id, and nothing from a run that added nothing", () => {
    expect(Option.getOrThrow(parseAddedIds("Added book ids: 7\n"))).toEqual([7])
    expect(parseAddedIds("/tmp/x.epub not found\n")._tag).toBe("None")
  })
})
