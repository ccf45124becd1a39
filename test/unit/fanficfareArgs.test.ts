import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import { buildArgs } from "../../src/fanficfare/arguments.ts"
import { parseStoryUrl, type StoryUrl } from "../../src/stories/StoryUrl.ts"

const url: StoryUrl = Result.getOrThrow(parseStoryUrl("https://archiveofourown.org/works/123"))

describe("buildArgs", () => {
  it("a new story: non-interactive, JSON metadata, a fixed file name, the URL after --", () => {
    expect(buildArgs({ _tag: "New", url }, ["/cfg/personal.ini"])).toEqual([
      "--non-interactive", "--json-meta", "-c", "/cfg/personal.ini", "-o", "output_filename=story.epub", "--", url
    ])
  })

  it.each([
    ["update", ["-u"]],
    ["update_always", ["-U"]],
    ["force", ["-u", "--force"]],
    ["update_no_force", ["-u"]]
  ] as const)("update_method %s updates the EPUB by path with %j", (method, flags) => {
    const args = buildArgs({ _tag: "Update", epub: "/jail/1.epub", method }, [])
    expect(args).toEqual(["--non-interactive", "--json-meta", ...flags, "--update-cover", "-o", "always_overwrite=true", "--", "/jail/1.epub"])
  })

  it("never asks for a progress bar or colours, and never forces under update_no_force", () => {
    for (const method of ["update", "update_always", "force", "update_no_force"] as const) {
      const args = buildArgs({ _tag: "Update", epub: "/jail/1.epub", method }, [])
      expect(args).not.toContain("-p")
      expect(args).not.toContain("--color")
      if (method === "update_no_force") expect(args).not.toContain("--force")
    }
  })
})
