import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { join } from "node:path"
import { runCli, startCli } from "../support/cli.ts"
import { listLibrary, requireRealComponents } from "../support/components.ts"
import { type ImapServer, startImapServer } from "../support/imapServer.ts"
import { scratchFolder } from "../support/scratch.ts"

// From an update email to a book, with the real Dovecot, FanFicFare and calibredb: `once` checks
// the mailbox once and runs what it found; the daemon picks up mail as it arrives.

const scratch = scratchFolder("automated-fanfic-mail-")
const library = join(scratch, "library")
let server: ImapServer
let env: Record<string, string>

const alert = (sid: number) => [
  "From: Test Site <bot@test1.com>", "Subject: New chapter", "MIME-Version: 1.0", 'Content-Type: multipart/alternative; boundary="b"', "",
  "--b", "Content-Type: text/plain; charset=utf-8", "", `Read it at http://test1.com?sid=${sid}`,
  "--b", "Content-Type: text/html; charset=utf-8", "",
  `<p>A new chapter of <a href="http://test1.com?sid=${sid}&amp;chapter=2">your story</a>.</p>`,
  `<blockquote>The author recommends <a href="http://test1.com?sid=${sid + 500}">another story</a>.</blockquote>`,
  "--b--", ""
].join("\r\n")

const urlsInLibrary = () => listLibrary(library).map((book) => book.identifiers["url"]).sort()

beforeAll(async () => {
  requireRealComponents()
  server = await startImapServer()
  env = {
    FFDL_DATA__DIR: join(scratch, "data"), FFDL_CALIBRE__PATH: library, TMPDIR: scratch,
    FFDL_EMAIL__SERVER: "127.0.0.1", FFDL_EMAIL__PORT: String(server.port), FFDL_EMAIL__SECURITY: "plain",
    FFDL_EMAIL__EMAIL: server.user, FFDL_EMAIL__PASSWORD: server.password
  }
})
afterAll(() => server.stop())

describe("mail to library", () => {
  it("once reads the alert, downloads the story into Calibre and marks the alert read; a wrong password is exit 3", async () => {
    const uid = await server.append(alert(71))
    const run = await runCli(["once", "--library", library, "--create-library"], { env })
    expect(run.stderr).toContain("mailbox checked: 1 new message(s), 1 new job(s)")
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/added .*test1\.com\?sid=71/)
    expect(urlsInLibrary()).toEqual(["http://test1.com?sid=71"])
    expect((await server.flagsOf(uid)).has("\\Seen")).toBe(true)

    await server.append(alert(72))
    const refused = await runCli(["once"], { env: { ...env, FFDL_EMAIL__PASSWORD: "not-the-password" } })
    expect(refused.code).toBe(3)
    expect(refused.stderr).toContain(`refused the login for "alice"`)
    expect(refused.stderr).not.toContain("not-the-password")
    expect(urlsInLibrary()).toEqual(["http://test1.com?sid=71"])
  })

  it("the daemon turns an alert that arrives while it runs into a book", async () => {
    const daemon = startCli(["daemon"], { env })
    const exited = new Promise((resolve) => daemon.on("exit", resolve))
    await server.append(alert(73))
    // The alert left unread by the refused `once` above is read too.
    const all = ["http://test1.com?sid=71", "http://test1.com?sid=72", "http://test1.com?sid=73"]
    // Watch the job store, not the library: reading the library takes Calibre's lock, which would
    // make the daemon's own writes wait.
    const doneJobs = async () => {
      const jobs: ReadonlyArray<{ url: string; state: string }> = JSON.parse((await runCli(["status", "--json"], { env })).stdout).jobs
      return jobs.filter((job) => job.state === "done").map((job) => job.url).sort()
    }
    for (let tries = 0; tries < 90 && (await doneJobs()).length < 3; tries++) await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(urlsInLibrary()).toEqual(all)
    daemon.kill("SIGTERM")
    expect(await exited).toBe(0)
  })
})
