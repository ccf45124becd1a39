import type { UpdateMethod } from "../config/ConfigSchema.ts"
import type { StoryUrl } from "../stories/StoryUrl.ts"

// The argv for one FanFicFare run. Never -p (dots on stdout break parsing) or --color; the
// story URL or EPUB path always follows "--" so nothing from an email reaches an option slot.

export type FetchTarget =
  | { readonly _tag: "New"; readonly url: StoryUrl }
  | { readonly _tag: "Update"; readonly epub: string; readonly method: UpdateMethod }

export const newStoryFileName = "story.epub"

// Update flags per update_method. update_no_force never forces, whatever else asks.
const updateFlags: Record<UpdateMethod, ReadonlyArray<string>> = {
  update: ["-u"],
  update_always: ["-U"],
  force: ["-u", "--force"],
  update_no_force: ["-u"]
}

export const buildArgs = (target: FetchTarget, iniFiles: ReadonlyArray<string>): ReadonlyArray<string> => {
  const common = ["--non-interactive", "--json-meta", ...iniFiles.flatMap((file) => ["-c", file])]
  if (target._tag === "New") {
    return [...common, "-o", `output_filename=${newStoryFileName}`, "--", target.url]
  }
  // The EPUB was just exported, so its mtime is "now"; always_overwrite stops FanFicFare from
  // reading that as "file newer than story" and skipping, while it still updates incrementally.
  return [...common, ...updateFlags[target.method], "--update-cover", "-o", "always_overwrite=true", "--", target.epub]
}

// Metadata only: FanFicFare reads the story's index page (one or two fetches), prints
// --json-meta and writes no file, so a check costs a fraction of an update.
export const checkArgs = (url: StoryUrl, iniFiles: ReadonlyArray<string>): ReadonlyArray<string> =>
  ["--non-interactive", "--json-meta", "--meta-only", "--no-output", ...iniFiles.flatMap((file) => ["-c", file]), "--", url]

// The story links on a page (bookmarks, series, author pages). The page is named with
// "--list=" so it can never be read as another option.
export const listArgs = (page: string, iniFiles: ReadonlyArray<string>): ReadonlyArray<string> =>
  ["--non-interactive", "--json-meta", ...iniFiles.flatMap((file) => ["-c", file]), `--list=${page}`]
