import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { Store } from "../../src/store/Store.ts"

const freshFile = () => join(mkdtempSync(join(tmpdir(), "automated-fanfic-store-")), "data", "automated-fanfic.db")
const request = (origin: string, force = false) => ({ storyKey: "test1.com?sid=1", url: "http://test1.com?sid=1", origin, force })

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
      expect(version?.["user_version"]).toBe(1)
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
          const waiting = yield* store.request({ ...request("manual"), storyKey: "test1.com?sid=2", url: "http://test1.com?sid=2" })
          yield* store.apply(waiting.job.id, { _tag: "Started" })
          return yield* store.apply(waiting.job.id, { _tag: "RetryAt", at: 123_456, error: "HTTP 503" })
        }))
      const [recovered, jobs] = yield* withStore(file, (store) => Effect.all([store.recoverRunning, store.jobs()]))
      expect(recovered).toBe(1)
      expect(jobs).toEqual([
        expect.objectContaining({ id: job.id, state: "queued", attempts: 1 }),
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
      expect(error.message).toContain("schema version 99, newer than this program knows (1)")
    }))
})
