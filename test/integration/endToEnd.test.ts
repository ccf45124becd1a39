import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ChildProcess } from "node:child_process"
import { join } from "node:path"
import { bookIds, calibredb, newLibrary, record } from "../support/calibreLibrary.ts"
import { runCli, startCli } from "../support/cli.ts"
import { requireRealComponents } from "../support/components.ts"
import { processesMentioning, writeStoryIni } from "../support/fanficfare.ts"
import { type ImapServer, startImapServer } from "../support/imapServer.ts"
import { type HttpReceiver, startHttpReceiver } from "../support/receivers.ts"
import { scratchFolder } from "../support/scratch.ts"

// End to end, every part real: Dovecot, FanFicFare (offline test site), calibredb, a notification
// receiver. An alert becomes a book; a second alert for the same story becomes an update (more
// chapters, the user's custom column kept); each is announced; a SIGTERM in the middle of the
// update and a restart lose nothing.

const scratch = scratchFolder("automated-fanfic-e2e-")
const library = join(scratch, "library")
let server: ImapServer
let receiver: HttpReceiver
let env: Record<string, string>

const alert = (index: number) => [
  "From: Test Site <bot@test1.com>", `Subject: New chapter ${index}`, `Message-ID: <e2e-${index}@test1.com>`, "MIME-Version: 1.0",
  "Content-Type: text/html; charset=utf-8", "", `<p>A new chapter of <a href="http://test1.com?sid=2000&amp;chapter=${index}">Ini Story 2000</a>.</p>`, ""
].join("\r\n")

const titles = () => receiver.received.map((request) => String(JSON.parse(request.body).title))
const until = async (condition: () => boolean, what: string, timeoutMs = 90_000) => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; notifications: ${JSON.stringify(titles())}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
// An update runs FanFicFare on the exported EPUB, so its command line names the story's ini, not
// its URL (which only calibredb's look-ups showed, before the library session).
const fanFicFareRuns = () => processesMentioning(join(scratch, "story.ini"))

const exitOf = (child: ChildProcess) => new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))

beforeAll(async () => {
  requireRealComponents()
  newLibrary(library)
  server = await startImapServer()
  receiver = await startHttpReceiver()
  env = {
    FFDL_DATA__DIR: join(scratch, "data"), FFDL_CALIBRE__PATH: library, TMPDIR: scratch,
    FFDL_CALIBRE__PERSONAL_INI: writeStoryIni(scratch, "story.ini", { "2000": ["chaptertitles:Prologue,Chapter 1", "slow_down_sleep_time:1"] }),
    FFDL_EMAIL__SERVER: "127.0.0.1", FFDL_EMAIL__PORT: String(server.port), FFDL_EMAIL__SECURITY: "plain",
    FFDL_EMAIL__EMAIL: server.user, FFDL_EMAIL__PASSWORD: server.password,
    FFDL_APPRISE_URLS: `json://127.0.0.1:${receiver.port}/e2e`, FFDL_NOTIFICATIONS__DIGEST_SECONDS: "0",
    FFDL_CALIBRE__METADATA_PRESERVATION_MODE: "preserve_metadata"
  }
})
afterAll(async () => {
  await server.stop()
  await receiver.close()
})

describe("end to end", () => {
  it("alert → book, second alert → update keeping the custom column, both announced; SIGTERM mid-update and a restart lose nothing", async () => {
    let daemon = startCli(["daemon"], { env })
    let exited = exitOf(daemon)
    const first = await server.append(alert(1))
    await until(() => titles().includes("New story: Ini Story 2000"), "the new story")
    const [bookId] = bookIds(library)
    if (bookId === undefined) throw new Error("no book")
    calibredb("set_custom", "--with-library", library, "readstatus", String(bookId), "halfway")
    expect((await server.flagsOf(first)).has("\\Seen")).toBe(true)

    // Four chapters now; the alert arrives and the daemon is stopped while it downloads them.
    writeStoryIni(scratch, "story.ini", { "2000": ["chaptertitles:Prologue,Chapter 1,Chapter 2,Chapter 3", "slow_down_sleep_time:1"] })
    const second = await server.append(alert(2))
    await until(() => fanFicFareRuns().length > 0, "FanFicFare updating the story", 30_000)
    daemon.kill("SIGTERM")
    expect(await exited).toBe(0)
    expect(processesMentioning("test1.com?sid=2000")).toEqual([])
    expect(fanFicFareRuns()).toEqual([])
    expect(titles()).not.toContain("Updated: Ini Story 2000")

    daemon = startCli(["daemon"], { env })
    exited = exitOf(daemon)
    await until(() => titles().includes("Updated: Ini Story 2000"), "the update after the restart")
    const update = receiver.received.find((request) => JSON.parse(request.body).title === "Updated: Ini Story 2000")
    expect(JSON.parse(update?.body ?? "{}").message).toContain("chapters 2 → 4")
    // preserve_metadata replaces the book (a new id) and carries the user's fields over.
    const books = bookIds(library)
    expect(books).toHaveLength(1)
    expect(record(library, books[0] ?? -1)).toMatchObject({ "*readstatus": "halfway" })
    expect((await server.flagsOf(second)).has("\\Seen")).toBe(true)
    const status = JSON.parse((await runCli(["status", "--json"], { env })).stdout)
    expect(status.daemon).toMatchObject({ running: true, healthy: true })
    expect(status.jobs.map((job: { state: string }) => job.state)).toEqual(["done", "done"])
    daemon.kill("SIGTERM")
    expect(await exited).toBe(0)
    expect(titles().filter((title) => title.startsWith("Failed"))).toEqual([])
  })
})
