import type { LinkedBook } from "../calibre/calibredbOutput.ts"
import type { StoryRef } from "../sites/siteId.ts"
import type { ImportedStory } from "../store/watchRecords.ts"

// What a Calibre book says about its story, read from the tags FanFicFare writes by default
// (`include_subject_tags` holds the status, and "Last Update: YYYY/MM/DD"). Pure.

const statuses = ["In-Progress", "Completed"]

export const statusFromTags = (tags: ReadonlyArray<string>): string | null => tags.find((tag) => statuses.includes(tag)) ?? null

// As FanFicFare's --json-meta prints dateUpdated: YYYY-MM-DD.
export const lastUpdateFromTags = (tags: ReadonlyArray<string>): string | null => {
  for (const tag of tags) {
    const match = /^Last Update: (\d{4})\/(\d{2})\/(\d{2})$/.exec(tag)
    if (match !== null) return `${match[1]}-${match[2]}-${match[3]}`
  }
  return null
}

// The book's EPUB on disk, when the library is a local folder (a content server gives no paths).
export const epubPathOf = (book: LinkedBook): string | undefined =>
  book.formats?.find((path) => path.toLowerCase().endsWith(".epub") && path.startsWith("/"))

export const importedStory = (book: LinkedBook, story: StoryRef, chapters: number | null): ImportedStory => {
  const tags = book.tags ?? []
  return {
    key: story.key,
    url: story.url,
    site: story.site,
    bookId: book.id,
    title: book.title,
    author: book.authors,
    chapters,
    status: statusFromTags(tags),
    dateUpdated: lastUpdateFromTags(tags)
  }
}
