import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { listLibrary, requireRealComponents } from "../support/components.ts"
import { newLibrary } from "../support/calibreLibrary.ts"
import { type ImapServer, startImapServer } from "../support/imapServer.ts"
import { mailToml } from "../support/mailIntake.ts"
import { repoRoot } from "../support/paths.ts"
import { scratchFolder } from "../support/scratch.ts"

// The README's cron line and scheduled CI workflow, run as written against a private Dovecot
// holding an alert: only the install folder, the config file and the secrets differ.

const readme = readFileSync(join(repoRoot, "README.md"), "utf8")
const fenced = (language: string) => [...readme.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map((match) => match[1] ?? "")

const scratch = scratchFolder("automated-fanfic-recipes-")
let server: ImapServer

const alert = (sid: number) => [
  "From: Test Site <bot@test1.com>", "Subject: New chapter", "MIME-Version: 1.0", "Content-Type: text/html; charset=utf-8", "",
  `<p>A new chapter of <a href="http://test1.com?sid=${sid}">your story</a>.</p>`, ""
].join("\r\n")

// Runs a shell command line as cron or a CI runner would, with only the given environment added.
const shell = (command: string, env: Record<string, string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile("sh", ["-c", command], { env: { ...process.env, TMPDIR: scratch, ...env }, timeout: 170_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }))
  })

beforeAll(async () => {
  requireRealComponents()
  server = await startImapServer()
})
afterAll(() => server.stop())

describe("the README's cron line", () => {
  const [block] = fenced("cron")
  const line = (block ?? "").trim()

  it("is one crontab entry with a valid schedule", () => {
    const fields = line.split(/\s+/)
    expect(fields.slice(0, 5).every((field) => /^(\*|\d+)(\/\d+)?$/.test(field)), line).toBe(true)
  })

  it("checks the mailbox, downloads the story and exits 0", async () => {
    const library = join(scratch, "cron-library")
    newLibrary(library)
    const config = join(scratch, "cron-config.toml")
    writeFileSync(config, `${mailToml(server)}\n[calibre]\npath = "${library}"\n\n[data]\ndir = "${join(scratch, "cron-data")}"\n`)
    await server.append(alert(81))
    const command = line.split(/\s+/).slice(5).join(" ")
      .replace("/opt/automated-fanfic", repoRoot)
      .replace("/etc/automated-fanfic/config.toml", config)
    const run = await shell(command, {})
    expect(run.code, run.stderr).toBe(0)
    expect(listLibrary(library).map((book) => book.identifiers["url"])).toEqual(["http://test1.com?sid=81"])
  })
})

describe("the README's scheduled CI workflow", () => {
  const workflow = fenced("yaml").find((block) => block.includes("schedule:")) ?? ""
  const runs = [...workflow.matchAll(/- run: (.+)/g)].map((match) => match[1] ?? "")
  const env = Object.fromEntries([...workflow.matchAll(/^\s+(FFDL_[A-Z_]+): (.+)$/gm)].map((match) => [match[1] ?? "", match[2] ?? ""]))

  it("sets up, then runs once into a library it creates on the first run and uses after that", async () => {
    expect(runs).toHaveLength(2)
    expect(Object.keys(env).sort()).toEqual(["FFDL_DATA__DIR", "FFDL_EMAIL__EMAIL", "FFDL_EMAIL__PASSWORD", "FFDL_EMAIL__SERVER"])
    const workspace = mkdtempSync(join(scratch, "workspace-"))
    // A CI runner's secrets and mail server: here the private Dovecot.
    const secrets = {
      FFDL_EMAIL__SERVER: "127.0.0.1", FFDL_EMAIL__PORT: String(server.port), FFDL_EMAIL__SECURITY: "plain",
      FFDL_EMAIL__EMAIL: server.user, FFDL_EMAIL__PASSWORD: server.password, FFDL_DATA__DIR: join(workspace, env["FFDL_DATA__DIR"] ?? "")
    }
    const inRepo = (command: string) => `cd ${repoRoot} && ${command.replace(/^sudo /, "").replaceAll("library-and-data/", `${workspace}/library-and-data/`)}`
    const [setup, once] = runs
    expect((await shell(inRepo(setup ?? ""), {})).code).toBe(0)

    await server.append(alert(82))
    const first = await shell(inRepo(once ?? ""), secrets)
    expect(first.code, first.stderr).toBe(0)
    expect(JSON.parse(first.stdout).stories).toEqual([expect.objectContaining({ url: "http://test1.com?sid=82", result: "added" })])

    await server.append(alert(83))
    const second = await shell(inRepo(once ?? ""), secrets)
    expect(second.code, second.stderr).toBe(0)
    expect(listLibrary(join(workspace, "library-and-data", "library")).map((book) => book.identifiers["url"]).sort())
      .toEqual(["http://test1.com?sid=82", "http://test1.com?sid=83"])
  })
})
