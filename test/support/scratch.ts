import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"

// A test file's scratch folder in the temporary directory, removed when the file's tests end
// (its own afterAll hooks run first, so a program it started is stopped before its folder goes).
// Called at a file's top level; tests that need a fresh folder each make one inside it. The
// check after the suite (test/support/leftovers.ts) fails on any automated-fanfic-* folder left.
export const scratchFolder = (prefix: string): string => {
  const folder = mkdtempSync(join(tmpdir(), prefix))
  afterAll(() => rmSync(folder, { recursive: true, force: true }))
  return folder
}
