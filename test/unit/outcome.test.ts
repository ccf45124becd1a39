import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { classifyOutput, type FanFicFareOutcome } from "../../src/fanficfare/outcome.ts"
import { parseJsonMeta } from "../../src/fanficfare/metadata.ts"
import { fanficfareSamplesDir } from "../support/paths.ts"

const sample = (name: string) => {
  const read = (extension: string) => readFileSync(join(fanficfareSamplesDir, `${name}.${extension}`), "utf8")
  return { stdout: read("stdout"), stderr: read("stderr"), exitCode: Number(read("rc").trim()) }
}

// Recorded FanFicFare runs (shared/reference/fanficfare-samples) and what each one means.
const cases: ReadonlyArray<readonly [string, FanFicFareOutcome["_tag"]]> = [
  ["a_first_download", "Written"],
  ["b_update_nochange_file", "NothingNew"],
  ["c5_update_more_src_sid2000_2to4", "Updated"],
  ["c1_update_more_src_sid1_daterace", "SkippedByDate"],
  ["d1_update_epub_more_than_src", "SourceHasFewerChapters"],
  ["g1_unsupported_site", "UnsupportedSite"],
  ["h2_malformed_not_url", "UnsupportedSite"],
  ["h1_malformed_url_test1_nosid", "BadUrl"],
  ["i1_sid666_story_does_not_exist", "StoryNotFound"],
  ["i2_sid665_adult_required", "AdultCheckRequired"],
  ["i4_sid668_login_required", "LoginRequired"],
  ["i7_sid675_totp", "LoginRequired"],
  ["i6_sid667_chapter_fail", "Unrecognised"]
]

describe("classifyOutput on recorded FanFicFare runs", () => {
  it.each(cases)("%s is %s", (name, expected) => {
    expect(classifyOutput(sample(name))._tag).toBe(expected)
  })

  it("reads the chapter counts of an update", () => {
    expect(classifyOutput(sample("c5_update_more_src_sid2000_2to4"))).toEqual({ _tag: "Updated", chaptersBefore: 2, chaptersAfter: 4 })
    expect(classifyOutput(sample("d1_update_epub_more_than_src"))).toEqual({ _tag: "SourceHasFewerChapters", local: 4, source: 2 })
  })

  it("keeps the end of stderr for a failure it does not know", () => {
    const outcome = classifyOutput(sample("i6_sid667_chapter_fail"))
    expect(outcome._tag === "Unrecognised" && outcome.lastLines).toContain("FailedToDownload")
  })

  it("exit code 0 with nothing recognisable is not a failure", () => {
    expect(classifyOutput({ exitCode: 0, stdout: "", stderr: "" })._tag).toBe("Written")
  })
})

describe("parseJsonMeta", () => {
  it("decodes title, canonical URL and counts written as text", () => {
    const meta = parseJsonMeta(sample("j1_json_meta_download").stdout)
    expect(meta._tag).toBe("Some")
    if (meta._tag === "Some") {
      expect(meta.value.storyUrl).toBe("http://test1.com?sid=1")
      expect(meta.value.numChapters).toBe(9)
      expect(meta.value.numWords).toBe(123456)
    }
  })

  it("is none when there is no JSON document", () => {
    expect(parseJsonMeta("Story does not exist: (http://test1.com?sid=666)\n")._tag).toBe("None")
  })
})
