import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { actionFor, classifyOutput, type FanFicFareOutcome } from "../../src/fanficfare/outcome.ts"
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
  ["i6_sid667_chapter_fail", "ChapterDownloadFailed"],
  ["i8_sid667_continue_on_chapter_error", "PartialBook"],
  ["n4_chapter_http_404_continue", "PartialBook"],
  ["n1_chapter_http_404", "HttpError"],
  ["n2_chapter_http_403", "HttpError"],
  ["n5_chapter_http_503_retries", "HttpError"],
  ["r3_update_corrupt_epub", "UnreadableEpub"],
  ["r4_update_epub_without_source_url", "UnreadableEpub"],
  ["r5_update_epub_no_recognizable_chapters", "UnreadableEpub"],
  ["r2_update_missing_file_path", "UnsupportedSite"],
  ["u2_config_bad_syntax", "IniInvalid"],
  ["q6_option_with_equals_in_value", "Unrecognised"],
  ["q5_update_non_epub_error", "Unrecognised"],
  ["j1_json_meta_download", "Written"],
  ["j5_json_meta_update_nochange", "NothingNew"],
  ["j8_json_meta_update_did_update", "Updated"],
  ["c3_update_more_src_sid669", "Updated"],
  ["d2_update_always_epub_more_than_src", "SourceHasFewerChapters"],
  ["e1_update_always_nochange_sid1", "SkippedByDate"],
  ["x7_sid712_adult", "AdultCheckRequired"],
  ["i3_sid665_adult_ok", "Written"],
  ["i5_sid668_login_ok", "Written"]
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
    const outcome = classifyOutput(sample("q6_option_with_equals_in_value"))
    expect(outcome._tag === "Unrecognised" && outcome.lastLines).toContain("ValueError: too many values to unpack")
  })

  it("reads the HTTP status and the failed chapter count", () => {
    expect(classifyOutput(sample("n2_chapter_http_403"))).toMatchObject({ _tag: "HttpError", status: 403 })
    expect(classifyOutput(sample("n5_chapter_http_503_retries"))).toMatchObject({ _tag: "HttpError", status: 503 })
    expect(classifyOutput(sample("i8_sid667_continue_on_chapter_error"))).toEqual({ _tag: "PartialBook", failedChapters: 3 })
  })

  it.each([
    ["HTTPErrorFFF: HTTP Error in FFF '429 Client Error: Too Many Requests for url: https://x/'(429)", "HttpError"],
    ["fanficfare.exceptions.HTTPErrorFFF: HTTP Error in FFF '525 Server Error: SSL Handshake Failed'(525)", "HttpError"],
    ["requests.exceptions.ConnectionError: HTTPSConnectionPool(host='x', port=443): Max retries exceeded", "ConnectionFailure"],
    ["fanficfare.exceptions.FailedToDownload: This work is only available to registered users of the Archive -- set username/password in personal.ini under [archiveofourown.org]", "LoginRequired"]
  ])("network-only failure %s is %s", (stderr, expected) => {
    expect(classifyOutput({ exitCode: 1, stdout: "", stderr })._tag).toBe(expected)
  })

  it("an eFiction site's access-denied notice (stdout, exit 0; no recorded sample exists) is AccessDenied", () => {
    const stdout = "www.example-efiction.net says: Access denied. This story has not been validated by the adminstrators of this site.\n"
    expect(classifyOutput({ exitCode: 0, stdout, stderr: "" })._tag).toBe("AccessDenied")
  })

  it("a process ended by a signal is Killed", () => {
    expect(classifyOutput({ exitCode: 143, stdout: "", stderr: "" })._tag).toBe("Killed")
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

describe("actionFor", () => {
  it.each([
    [{ _tag: "Updated", chaptersBefore: 2, chaptersAfter: 4 }, "write"],
    [{ _tag: "NothingNew", chapters: 9 }, "done"],
    [{ _tag: "SourceHasFewerChapters", local: 4, source: 2 }, "keep"],
    [{ _tag: "StoryNotFound" }, "story-failed"],
    [{ _tag: "AdultCheckRequired" }, "fix-settings"],
    [{ _tag: "HttpError", status: 429, detail: "" }, "site-failed"],
    [{ _tag: "HttpError", status: 522, detail: "" }, "site-failed"],
    [{ _tag: "HttpError", status: 500, detail: "" }, "retry"],
    [{ _tag: "TimedOut", seconds: 10 }, "retry"]
  ] satisfies ReadonlyArray<readonly [FanFicFareOutcome, string]>)("%o → %s", (outcome, action) => {
    expect(actionFor(outcome)).toBe(action)
  })
})
