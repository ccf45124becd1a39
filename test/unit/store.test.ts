import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect, Option } from "effect"
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { healthySite } from "../../src/jobs/siteBreaker.ts"
import { migrations } from "../../src/store/migrations.ts"
import type { MailRecord } from "../../src/store/mailReceipts.ts"
import { Store } from "../../src/store/Store.ts"
import { runCli } from "../support/cli.ts"
import { scratchFolder } from "../support/scratch.ts"

const scratch = scratchFolder("automated-fanfic-store-")

const freshFile = () => join(mkdtempSync(join(scratch, "store-")), "data", "automated-fanfic.db")
const request = (origin: string, force = false, sid = 1, site = "test1.com") =>
  ({ storyKey: `${site}?sid=${sid}`, url: `http://${site}?sid=${sid}`, site, origin, force })

const withStore = <A, E>(file: string, use: (store: Store["Service"]) => Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    return yield* use(yield* Store)
  }).pipe(Effect.provide(Store.layer(file)))

describe("Store", () => {
  it.effect("creates the file and its folder, and migrates to the current schema", () =>
    Effect.gen(function* () {
      const file = freshFile()
      yield* withStore(file, (store) => store.jobs())
      const version = new DatabaseSync(file).prepare("PRAGMA user_version").get()
      expect(version?.["user_version"]).toBe(migrations.length)
    }))

  it.effect("an existing empty (0-byte) store is refused, not taken for a new one", () =>
    Effect.gen(function* () {
      const file = freshFile()
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, "")
      const error = yield* Effect.flip(withStore(file, (store) => store.jobs()))
      expect(error.message).toContain("the job store is empty (0 bytes)")
      expect(error.message).toContain("restore it from a backup")
    }))

  it.effect("a second request for the same story merges into the open job", () =>
    withStore(freshFile(), (store) =>
      Effect.gen(function* () {
        const first = yield* store.request(request("manual"))
        const second = yield* store.request(request("email:1/7", true))
        expect(first.merged).toBe(false)
        expect(second).toMatchObject({ merged: true, job: { id: first.job.id, force: true, origins: ["manual", "email:1/7"] } })
        expect(yield* store.jobs()).toHaveLength(1)
      })))

  it.effect("the database itself refuses a second open job for a story", () =>
    Effect.gen(function* () {
      const file = freshFile()
      yield* withStore(file, (store) => store.request(request("manual")))
      const db = new DatabaseSync(file)
      expect(() =>
        db.prepare("INSERT INTO jobs (story_key, url, state, origins, created_at, updated_at) VALUES ('test1.com?sid=1', 'x', 'waiting', '[]', 0, 0)").run()
      ).toThrow(/UNIQUE constraint failed/)
    }))

  it.effect("jobs survive a reopen, and a job a crash left running goes back to the queue", () =>
    Effect.gen(function* () {
      const file = freshFile()
      const { job } = yield* withStore(file, (store) => store.request(request("manual")))
      yield* withStore(file, (store) => store.apply(job.id, { _tag: "Started" }))
      const other = yield* withStore(file, (store) =>
        Effect.gen(function* () {
          const waiting = yield* store.request(request("manual", false, 2))
          yield* store.apply(waiting.job.id, { _tag: "Started" })
          return yield* store.apply(waiting.job.id, { _tag: "RetryAt", at: 123_456, error: "HTTP 503" })
        }))
      const [recovered, jobs] = yield* withStore(file, (store) => Effect.all([store.recoverRunning(() => false), store.jobs()]))
      expect(recovered).toBe(1)
      expect(jobs).toEqual([
        expect.objectContaining({ id: job.id, state: "queued", attempts: 0, interruptions: 1 }),
        expect.objectContaining({ id: other.id, state: "waiting", nextAttemptAt: 123_456, lastError: "HTTP 503" })
      ])
    }))

  it.effect("an impossible transition is refused and changes nothing", () =>
    withStore(freshFile(), (store) =>
      Effect.gen(function* () {
        const { job } = yield* store.request(request("manual"))
        const error = yield* Effect.flip(store.apply(job.id, { _tag: "Succeeded" }))
        expect(error.message).toContain("cannot go from queued on Succeeded")
        expect((yield* store.jobs())[0]?.state).toBe("queued")
      })))

  it.effect("a database from a newer version is a clear error, not a silent downgrade", () =>
    Effect.gen(function* () {
      const file = freshFile()
      yield* withStore(file, (store) => store.jobs())
      new DatabaseSync(file).exec("PRAGMA user_version = 99")
      const error = yield* Effect.flip(withStore(file, (store) => store.jobs()))
      expect(error.message).toContain(`schema version 99, newer than this program knows (${migrations.length})`)
    }))

  it.effect("a job claimed by a live process stays running at another's start-up; a dead owner's goes back", () =>
    withStore(freshFile(), (store) =>
      Effect.gen(function* () {
        yield* store.request(request("manual"))
        const claimed = yield* store.claim("test1.com", "owner-a")
        expect(Option.getOrThrow(claimed).state).toBe("running")
        expect(Option.isNone(yield* store.claim("test1.com", "owner-b"))).toBe(true)
        expect(yield* store.recoverRunning((owner) => owner === "owner-a")).toBe(0)
        expect(yield* store.recoverRunning(() => false)).toBe(1)
      })))

  it.effect("due work per site leaves out paused sites, and the next wake-up is the earliest retry or breaker end", () =>
    withStore(freshFile(), (store) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        yield* store.request(request("manual", false, 1, "a.com"))
        yield* store.request(request("manual", false, 2, "a.com"))
        yield* store.request(request("manual", false, 1, "b.com"))
        const b = Option.getOrThrow(yield* store.claim("b.com", "test-owner"))
        const { siteAfter } = yield* store.finish(b.id, { _tag: "RetryAt", at: now + 60_000, error: "HTTP 429" }, { outcome: "failed" },
          (site) => ({ ...site, failures: 2, opens: 1, openUntil: now + 300_000, lastError: "HTTP 429" }))
        expect(siteAfter).toMatchObject({ site: "b.com", openUntil: now + 300_000 })
        expect(yield* store.dueSites()).toEqual([{ site: "a.com", due: 2 }])
        expect(Option.getOrThrow(yield* store.nextDueAt([]))).toBe(now + 300_000)
        expect(yield* store.sites).toEqual([{ site: "b.com", failures: 2, opens: 1, openUntil: now + 300_000, lastError: "HTTP 429" }])
        expect(yield* store.site("c.com")).toEqual(healthySite("c.com"))
      })))

  it.effect("a run's end records the story's title, chapters and book", () =>
    withStore(freshFile(), (store) =>
      Effect.gen(function* () {
        yield* store.request(request("manual"))
        const job = Option.getOrThrow(yield* store.claim("test1.com", "test-owner"))
        yield* store.finish(job.id, { _tag: "Succeeded" }, { outcome: "added", title: "Story", chapters: 5, bookId: 3 }, (site) => site)
        expect(yield* store.stories).toEqual([expect.objectContaining({ key: job.storyKey, site: "test1.com", title: "Story", chapters: 5, bookId: 3, lastOutcome: "added" })])
      })))

  it.effect("a store from the first version is migrated: sites named as disabled_sites names them, stories our rules know keyed site:id", () =>
    Effect.gen(function* () {
      const file = freshFile()
      mkdirSync(dirname(file), { recursive: true })
      const old = new DatabaseSync(file)
      const first = migrations[0]
      if (typeof first !== "string") throw new Error("the first migration is SQL")
      old.exec(first)
      old.exec("PRAGMA user_version = 1")
      old.exec(`INSERT INTO stories (key, url, updated_at) VALUES ('test3.com?sid=9', 'http://www.test3.com?sid=9', 0);
        INSERT INTO jobs (story_key, url, state, origins, created_at, updated_at) VALUES ('test3.com?sid=9', 'http://www.test3.com?sid=9', 'queued', '["manual"]', 0, 0);
        INSERT INTO stories (key, url, updated_at) VALUES ('archiveofourown.org/works/123', 'https://archiveofourown.org/works/123', 0);
        INSERT INTO jobs (story_key, url, state, origins, created_at, updated_at) VALUES ('archiveofourown.org/works/123', 'https://archiveofourown.org/works/123', 'done', '["manual"]', 0, 0)`)
      old.close()
      const [jobs, stories] = yield* withStore(file, (store) => Effect.all([store.jobs(), store.stories]))
      expect(jobs).toEqual([
        expect.objectContaining({ storyKey: "test3.com?sid=9", site: "test3", state: "queued" }),
        expect.objectContaining({ storyKey: "archiveofourown:123", site: "archiveofourown", state: "done" })
      ])
      expect(stories.map((story) => story.key)).toEqual(["archiveofourown:123", "test3.com?sid=9"])
    }))
})

describe("Store mail receipts", () => {
  const mail = (uid: number, flagWhen: MailRecord["flagWhen"], sids: ReadonlyArray<number>): MailRecord => ({
    mailbox: "INBOX", uidValidity: 7, uid, messageId: `<m${uid}@test>`, subject: `mail ${uid}`, flagWhen,
    requests: sids.map((sid) => request(`email:7/${uid}`, false, sid)), notes: [{ kind: "unresolved-link", detail: "https://www.royalroad.com/fiction/chapter/1" }]
  })

  it.effect("a message's jobs and receipt commit together, once; flags follow mark_read", () =>
    Effect.gen(function* () {
      const file = freshFile()
      yield* withStore(file, (store) => Effect.gen(function* () {
        const first = yield* store.recordMail(mail(1, "on_queue", [1, 2]))
        expect(first.recorded).toBe(true)
        expect(first.outcomes.map((outcome) => outcome.merged)).toEqual([false, false])
        // The same message again (another process, or a crash before \Seen) asks for nothing.
        expect(yield* store.recordMail(mail(1, "on_queue", [1, 2]))).toEqual({ recorded: false, outcomes: [] })
        const second = yield* store.recordMail(mail(2, "on_success", [2]))
        expect(second.outcomes.map((outcome) => outcome.merged)).toEqual([true])
        yield* store.recordMail(mail(3, "never", [3]))
        yield* store.recordMail(mail(4, "none", []))
        expect([...(yield* store.handledUids("INBOX", 7, [1, 2, 3, 4, 5]))].sort()).toEqual([1, 2, 3, 4])
        expect(yield* store.handledUids("INBOX", 8, [1])).toEqual(new Set())
        expect(yield* store.uidsToFlag("INBOX", 7)).toEqual([1])
        yield* store.markFlagged("INBOX", 7, [1])
        expect(yield* store.uidsToFlag("INBOX", 7)).toEqual([])
        // on_success: flagged once every job the message asked for is done.
        const job = first.outcomes[1]?.job
        if (job === undefined) throw new Error("no job")
        yield* store.apply(job.id, { _tag: "Started" })
        yield* store.apply(job.id, { _tag: "Succeeded" })
        expect(yield* store.uidsToFlag("INBOX", 7)).toEqual([2])
      }))
    }))
})

describe("Store opened by several processes at once", () => {
  // The daemon starting while `add` runs in another terminal, both on a new data folder.
  it("a new file is created and migrated once, and every process's work is kept", async () => {
    const dataDir = join(mkdtempSync(join(scratch, "race-")), "data")
    const links = Array.from({ length: 10 }, (_, index) => `https://archiveofourown.org/works/${index + 1}`)
    const runs = await Promise.all(links.map((link) => runCli(["add", link], { env: { FFDL_DATA__DIR: dataDir } })))
    expect(runs.map((run) => [run.code, run.stderr.trim()])).toEqual(links.map(() => [0, ""]))
    const db = new DatabaseSync(join(dataDir, "automated-fanfic.db"), { readOnly: true })
    expect(db.prepare("SELECT COUNT(*) AS n FROM jobs").get()?.["n"]).toBe(10)
    expect(db.prepare("PRAGMA user_version").get()?.["user_version"]).toBe(migrations.length)
    db.close()
  })
})
