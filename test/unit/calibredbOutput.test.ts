import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { decodeBookList } from "../../src/calibre/calibredbOutput.ts"
import { decodeUserRecords } from "../../src/calibre/userFields.ts"

// calibre run without a writable configuration folder (a hardened systemd unit, a container without
// a home) prints a notice on stdout after the JSON of `list --for-machine`.
const notice = "No write access to /var/lib/private/automated-fanfic/.config/calibre using a temporary dir instead"
const book = { id: 3, title: "A", authors: "B", identifiers: { url: "http://test1.com?sid=1" }, last_modified: "2026-12-03T09:00:00+00:00" }

describe("calibredb's machine output", () => {
  it("decodes a book list with calibre's 'No write access' notice after the JSON", () => {
    const decoded = decodeBookList(`${JSON.stringify([book], null, 2)}\n${notice}\n`)
    expect(Result.isSuccess(decoded) ? decoded.success.map((b) => b.id) : decoded.failure.message).toEqual([3])
  })

  it("decodes one before the JSON, and the user records the same way", () => {
    expect(Result.isSuccess(decodeBookList(`${notice}\n[]\n`))).toBe(true)
    const records = decodeUserRecords(`[{"id": 3, "tags": ["x"]}]\n${notice}`)
    expect(Result.isSuccess(records) ? records.success[0]?.tags : records.failure.message).toEqual(["x"])
  })

  it("still refuses anything else after the JSON", () => {
    expect(Result.isFailure(decodeBookList(`[]\nTraceback (most recent call last):\n`))).toBe(true)
  })
})
