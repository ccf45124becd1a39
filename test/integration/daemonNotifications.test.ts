import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { join } from "node:path"
import { newLibrary } from "../support/calibreLibrary.ts"
import { runCli, startCli } from "../support/cli.ts"
import { requireRealComponents } from "../support/components.ts"
import { writeStoryIni } from "../support/fanficfare.ts"
import { type HttpReceiver, startHttpReceiver } from "../support/receivers.ts"
import { scratchFolder } from "../support/scratch.ts"

// A daemon with the real FanFicFare and calibredb tells a local receiver about a story added,
// the same story updated with more chapters, and a story that failed for good.

const scratch = scratchFolder("automated-fanfic-notify-daemon-")
const library = join(scratch, "library")
let receiver: HttpReceiver

beforeAll(async () => {
  requireRealComponents()
  newLibrary(library)
  receiver = await startHttpReceiver()
})
afterAll(() => receiver.close())

const titles = () => receiver.received.map((request) => String(JSON.parse(request.body).title))
const waitForTitle = async (pattern: RegExp) => {
  const deadline = Date.now() + 90_000
  while (!titles().some((title) => pattern.test(title))) {
    if (Date.now() > deadline) throw new Error(`no notification matching ${pattern}; got ${JSON.stringify(titles())}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return receiver.received.find((request) => pattern.test(String(JSON.parse(request.body).title)))
}

describe("daemon notifications", () => {
  it("a story added, then updated with more chapters, and one that fails for good each reach the receiver", async () => {
    const ini = writeStoryIni(scratch, "story.ini", { "2000": ["chaptertitles:Prologue,Chapter 1"] })
    const env = {
      FFDL_DATA__DIR: join(scratch, "data"), FFDL_CALIBRE__PATH: library, FFDL_CALIBRE__PERSONAL_INI: ini, TMPDIR: scratch,
      FFDL_APPRISE_URLS: `json://127.0.0.1:${receiver.port}/fics`, FFDL_NOTIFICATIONS__DIGEST_SECONDS: "0"
    }
    const daemon = startCli(["daemon"], { env })
    const exited = new Promise((resolve) => daemon.on("exit", resolve))
    try {
      expect((await runCli(["add", "http://test1.com?sid=2000"], { env })).code).toBe(0)
      const added = await waitForTitle(/^New story: Ini Story 2000$/)
      expect(JSON.parse(added?.body ?? "{}").message).toBe("Ini Story 2000 by Ini Author (test1), 2 chapters\nhttp://test1.com?sid=2000")

      writeStoryIni(scratch, "story.ini", { "2000": ["chaptertitles:Prologue,Chapter 1,Chapter 2,Chapter 3"] })
      expect((await runCli(["add", "http://test1.com?sid=2000"], { env })).code).toBe(0)
      const updated = await waitForTitle(/^Updated: Ini Story 2000$/)
      expect(JSON.parse(updated?.body ?? "{}").message).toBe("Ini Story 2000 by Ini Author (test1): chapters 2 → 4\nhttp://test1.com?sid=2000")

      expect((await runCli(["add", "http://test1.com?sid=666"], { env })).code).toBe(0)
      const failed = await waitForTitle(/^Failed: /)
      expect(JSON.parse(failed?.body ?? "{}").message).toContain("the story does not exist")
    } finally {
      daemon.kill("SIGTERM")
      await exited
    }
  })
})
