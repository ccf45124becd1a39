import { describe, expect, it } from "@effect/vitest"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { runCli } from "../support/cli.ts"
import { anchorConfigPath, repoRoot } from "../support/paths.ts"
import { scratchFolder } from "../support/scratch.ts"

const scratch = scratchFolder("automated-fanfic-cli-")
const writeConfig = (name: string, text: string) => {
  const path = join(scratch, name)
  writeFileSync(path, text)
  return path
}

describe("automated-fanfic command line", () => {
  it("--version prints the version", async () => {
    const run = await runCli(["--version"])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain("automated-fanfic v0.1.0")
  })

  it("--help lists every command", async () => {
    const run = await runCli(["--help"])
    expect(run.code).toBe(0)
    for (const command of ["daemon", "once", "add", "status", "check-config", "--log-format", "--verbose", "--config"]) {
      expect(run.stdout).toContain(command)
    }
  })

  it("check-config accepts AutomatedFanfic's shipped config.toml", async () => {
    const run = await runCli(["check-config", "--config", anchorConfigPath])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain("[retry]\nhail_mary_enabled = true\nhail_mary_wait_hours = 12\nmax_normal_retries = 11")
    expect(run.stderr).toContain("warning: process.signal_timeout")
    expect(run.stderr).toContain("configuration OK")
  })

  it("check-config reports FanFicFare's version, and a broken FanFicFare path is exit 3 with the fix", async () => {
    const ok = await runCli(["check-config", "-c", anchorConfigPath])
    expect(ok.stderr).toMatch(/FanFicFare \d+\.\d+\.\d+ \(.*fanficfare\)/)
    const broken = await runCli(["check-config", "-c", anchorConfigPath], { env: { FFDL_FANFICFARE__PATH: "/no/such/fanficfare" } })
    expect(broken.code).toBe(3)
    expect(broken.stderr).toContain("FanFicFare cannot run (/no/such/fanficfare)")
    expect(broken.stderr).toContain("Run scripts/setup.sh, or set [fanficfare] path")
  })

  it("an ini file that is not where the config says is a config error naming the key and the path, exit 2", async () => {
    const folder = join(scratch, "ini-folder")
    mkdirSync(folder, { recursive: true })
    const config = writeConfig("wrong-ini.toml", `[calibre]\npersonal_ini = "${folder}"\ndefault_ini = ""\n`)
    const run = await runCli(["check-config", "-c", config])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`calibre.personal_ini (${config}): names ${join(folder, "personal.ini")}, which does not exist`)
    expect(run.stderr).not.toContain("scripts/setup.sh")
    const file = await runCli(["check-config", "-c", config], { env: { FFDL_CALIBRE__DEFAULT_INI: join(folder, "nope.ini") } })
    expect(file.stderr).toContain(`calibre.default_ini (${config}): names ${join(folder, "nope.ini")}, which does not exist`)
  })

  it("a config without [email] or [calibre] is accepted (AutomatedFanfic refuses it; README says so)", async () => {
    const run = await runCli(["check-config", "-c", writeConfig("no-email-no-calibre.toml", "max_workers = 2\n")])
    expect(run.code).toBe(0)
    expect(run.stderr).toContain("configuration OK")
    expect(readFileSync(join(repoRoot, "README.md"), "utf8").replace(/\s+/g, " ")).toContain("a config without `[email]` or `[calibre]` is accepted (AutomatedFanfic refuses it)")
  })

  it("check-config masks secrets from the file and from FFDL_ overrides", async () => {
    const config = writeConfig("secrets.toml", "[email]\npassword = \"file-secret-1\"\n[calibre]\npassword = \"calibre-secret-2\"\n")
    const run = await runCli(["check-config", "-c", config], { env: { FFDL_PUSHBULLET__API_KEY: "env-secret-3", FFDL_MAX_WORKERS: "6" } })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain("max_workers = 6")
    for (const secret of ["file-secret-1", "calibre-secret-2", "env-secret-3"]) {
      expect(run.stdout + run.stderr).not.toContain(secret)
    }
  })

  it("a missing config file is a config error (exit 2) that says what to do", async () => {
    const run = await runCli(["check-config", "--config", join(scratch, "nope.toml")])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("nope.toml")
    expect(run.stderr).toContain("file not found; copy config.example.toml")
  })

  it("an unreadable config path is a config error", async () => {
    const directory = join(scratch, "a-directory.toml")
    mkdirSync(directory, { recursive: true })
    const run = await runCli(["check-config", "--config", directory])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("cannot be read")
  })

  it("a TOML syntax error shows line and column, exit 2", async () => {
    const config = writeConfig("syntax.toml", "[email]\nserver = \"imap.example.com\nmailbox = \"INBOX\"\n")
    const run = await runCli(["check-config", "-c", config])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/syntax\.toml:2:\d+: TOML syntax error/)
  })

  it("lists every problem at once with key, line and a did-you-mean", async () => {
    const config = writeConfig("many.toml", "[email]\nsleeptime = 30\n[retry]\nmax_normal_retries = 99\n[web]\nport = \"http\"\n")
    const run = await runCli(["check-config", "-c", config])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("(3 problems)")
    expect(run.stderr).toContain("email.sleeptime (" + config + ":2): unknown key in [email]; did you mean \"sleep_time\"?")
    expect(run.stderr).toContain("retry.max_normal_retries (" + config + ":4): expected a value between 1 and 50, found 99")
    expect(run.stderr).toContain("web.port (" + config + ":6): expected number, found \"http\"")
  })

  it("an environment override with a bad value is a config error naming the variable", async () => {
    const run = await runCli(["check-config", "-c", anchorConfigPath], { env: { FFDL_RETRY__HAIL_MARY_WAIT_HOURS: "soon" } })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("FFDL_RETRY__HAIL_MARY_WAIT_HOURS (environment): retry.hail_mary_wait_hours: expected a number, found \"soon\"")
  })

  it("an unknown subcommand or flag is a usage error, exit 2", async () => {
    expect((await runCli(["bogus"])).code).toBe(2)
    expect((await runCli(["once", "--no-such-flag"])).code).toBe(2)
  })

  it("a URL that is not http(s) is refused before anything runs, exit 2", async () => {
    const run = await runCli(["once", "--url", "ftp://example.com/story", "--library", scratch])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("only http and https links are stories")
    const dash = await runCli(["add", "--", "-o=evil"])
    expect(dash.code).toBe(2)
    expect(dash.stderr).toContain("starts with '-'")
  })

  it("daemon without a library says which key to set, exit 2", async () => {
    const run = await runCli(["daemon"], { env: { FFDL_DATA__DIR: join(scratch, "daemon-data") } })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("calibre.path")
  })

  it("add queues stories in the job store, merges repeats, and status lists them (also as JSON)", async () => {
    const env = { FFDL_DATA__DIR: join(scratch, "data") }
    const first = await runCli(["add", "http://test1.com?sid=1", "https://archiveofourown.org/works/123"], { env })
    expect(first.code).toBe(0)
    expect(first.stdout).toContain("queued job 1: http://test1.com?sid=1 (test1:1)")
    expect(first.stdout).toContain("queued job 2: https://archiveofourown.org/works/123 (archiveofourown:123)")
    // Another link to the same work, a chapter in a collection, is the same story.
    const again = await runCli(["add", "--force", "https://www.archiveofourown.org/collections/x/works/123/chapters/9"], { env })
    expect(again.stdout).toContain("already queued: https://archiveofourown.org/works/123 is job 2")
    const wrong = await runCli(["add", "https://archiveofourown.org/works/5", "https://www.example.com/news/1"], { env })
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain("https://www.example.com/news/1\" is not a story URL: no FanFicFare site recognises it")
    const text = await runCli(["status"], { env })
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/ {4}1 {2}queued +0 {2}- +http:\/\/test1\.com\?sid=1/)
    expect(text.stdout).toMatch(/^ {2}archiveofourown +ok$/m)
    expect(text.stdout).toContain("stories (2):\n  archiveofourown:123  not run yet")
    const json = JSON.parse((await runCli(["status", "--json"], { env })).stdout)
    expect(json.jobs).toEqual([
      expect.objectContaining({ id: 1, state: "queued", force: false, origins: ["manual"] }),
      expect.objectContaining({ id: 2, state: "queued", force: true })
    ])
    expect(json.sites).toEqual([
      expect.objectContaining({ site: "archiveofourown", paused: false, state: "ok" }),
      expect.objectContaining({ site: "test1", paused: false, state: "ok" })
    ])
    expect(json.stories).toEqual([
      expect.objectContaining({ key: "archiveofourown:123", site: "archiveofourown", lastOutcome: null }),
      expect.objectContaining({ key: "test1:1", url: "http://test1.com?sid=1" })
    ])
  })

  it("add keeps two authors' stories of one title apart, and refuses a forum post with what to give instead", async () => {
    const env = { FFDL_DATA__DIR: join(scratch, "same-title") }
    const run = await runCli(["add", "https://abraxan.fanficauthors.net/Blindness/", "https://bobmin.fanficauthors.net/Blindness/"], { env })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain("queued job 1: https://abraxan.fanficauthors.net/Blindness/ (fanficauthors:abraxan/Blindness)")
    expect(run.stdout).toContain("queued job 2: https://bobmin.fanficauthors.net/Blindness/ (fanficauthors:bobmin/Blindness)")
    const post = await runCli(["add", "https://forums.spacebattles.com/posts/123456/"], { env })
    expect(post.code).toBe(2)
    expect(post.stderr).toContain("it links to one post of a forum thread, not to the story; give the thread's link")
    expect(post.stderr).not.toContain("no FanFicFare site recognises")
  })

  it("status says where the store is and that it is empty", async () => {
    const run = await runCli(["status"], { env: { FFDL_DATA__DIR: join(scratch, "empty-data") } })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain("no jobs yet")
  })

  it("an unusable data folder is a clear error, exit 3", async () => {
    const file = writeConfig("data-is-a-file", "x")
    const run = await runCli(["status"], { env: { FFDL_DATA__DIR: file } })
    expect(run.code).toBe(3)
    expect(run.stderr).toContain("cannot open the job store")
  })

  it("--create-library without --library is a usage error: a configured path is never created", async () => {
    const run = await runCli(["once", "--url", "http://test1.com?sid=1", "--create-library"])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("--create-library needs --library")
  })

  it("an empty required key is a config error naming it, exit 2", async () => {
    const run = await runCli(["once", "--url", "http://test1.com?sid=1", "-c", anchorConfigPath])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("calibre.path (")
    expect(run.stderr).toContain("is empty; set it to your Calibre library folder")
  })

  it("--library pointing at a file is refused with a clear message, exit 3", async () => {
    const file = writeConfig("not-a-library.txt", "hello")
    const run = await runCli(["once", "--url", "http://test1.com?sid=1", "--library", file])
    expect(run.code).toBe(3)
    expect(run.stderr).toContain("this is a file, not a Calibre library folder")
  })

  it("a folder without metadata.db is not silently turned into a library, exit 3", async () => {
    const empty = join(scratch, "empty-folder")
    mkdirSync(empty, { recursive: true })
    const run = await runCli(["once", "--url", "http://test1.com?sid=1", "--library", empty])
    expect(run.code).toBe(3)
    expect(run.stderr).toContain("there is no metadata.db here")
  })
})

describe("--wait-retries", () => {
  it("with a time that is not one is a usage error, exit 2", async () => {
    const run = await runCli(["once", "--wait-retries=soon"], { env: { FFDL_DATA__DIR: join(scratch, "wait-data") } })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("--wait-retries=soon: give a time such as 90s, 30m, 2h or 1d")
  })
})

describe("--wait-retries durations", () => {
  it("reads seconds, minutes, hours and days; a bare number is minutes; nonsense is refused", async () => {
    const { parseWaitDuration } = await import("../../src/cli/waitDuration.ts")
    expect(["90s", "30m", "2h", "1d", "15", "1.5h", "soon", ""].map(parseWaitDuration)).toEqual([90_000, 1_800_000, 7_200_000, 86_400_000, 900_000, 5_400_000, undefined, undefined])
  })
})

describe("check-config and credentials inside a URL", () => {
  it("prints a content-server path with its user and password masked, and the host kept", async () => {
    const config = writeConfig("url-credentials.toml", `[calibre]\npath = "http://bob:SECRET@books.lan:8080/#lib"\n`)
    const run = await runCli(["check-config", "-c", config])
    expect(run.stdout).not.toContain("SECRET")
    expect(run.stdout).not.toContain("bob")
    expect(run.stdout).toContain(`path = "http://<redacted>@books.lan:8080/#lib"`)
  })
})
