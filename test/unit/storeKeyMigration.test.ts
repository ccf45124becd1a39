import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdirSync, mkdtempSync } from "node:fs"
import { dirname, join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { storyRef } from "../../src/sites/siteId.ts"
import { migrations } from "../../src/store/migrations.ts"
import { Store } from "../../src/store/Store.ts"
import { scratchFolder } from "../support/scratch.ts"

// A store written by the version that keyed every story site:id (schema 3) opens with the keys
// of today: stories on sites whose ids are unique per host or section move to site:scope/id with
// their jobs and history, everything else keeps its key.

const scratch = scratchFolder("automated-fanfic-keys-")

const schema3Store = (rows: ReadonlyArray<readonly [key: string, site: string, url: string]>) => {
  const file = join(mkdtempSync(join(scratch, "keys-")), "data", "automated-fanfic.db")
  mkdirSync(dirname(file), { recursive: true })
  const db = new DatabaseSync(file)
  for (const migration of migrations.slice(0, 3)) {
    if (typeof migration === "string") db.exec(migration)
    else migration(db)
  }
  db.exec("PRAGMA user_version = 3")
  rows.forEach(([key, site, url], index) => {
    db.prepare("INSERT INTO stories (key, url, site, updated_at) VALUES (?, ?, ?, 0)").run(key, url, site)
    db.prepare("INSERT INTO jobs (story_key, url, site, state, origins, created_at, updated_at) VALUES (?, ?, ?, ?, '[\"manual\"]', 0, 0)")
      .run(key, url, site, index % 2 === 0 ? "queued" : "done")
    db.prepare("INSERT INTO events (at, story_key, job_id, kind, detail) VALUES (0, ?, ?, 'Queued', 'manual')").run(key, index + 1)
  })
  db.close()
  return file
}

describe("Store migration to scoped story keys", () => {
  const old: ReadonlyArray<readonly [string, string, string]> = [
    ["fanficauthors:Blindness", "fanficauthors", "https://abraxan.fanficauthors.net/Blindness/"],
    ["literotica:a-title", "literotica", "https://german.literotica.com/s/a-title"],
    ["storiesonline:1234", "storiesonline", "https://storiesonline.net/n/1234/a-title"],
    ["adult-fanfiction:77", "adult-fanfiction", "https://hp.adult-fanfiction.org/story.php?no=77"],
    ["archiveofourown:123", "archiveofourown", "https://archiveofourown.org/works/123"],
    ["test1:5", "test1", "http://test1.com?sid=5"],
    // A key the first versions wrote from the link, not site:id: left as it was.
    ["www.fanficauthors.net/Other", "fanficauthors", "https://bobmin.fanficauthors.net/Other/"]
  ]
  const expected = [
    "fanficauthors:abraxan/Blindness", "literotica:german/a-title", "storiesonline:n/1234", "adult-fanfiction:hp/77",
    "archiveofourown:123", "test1:5", "www.fanficauthors.net/Other"
  ]

  it.effect("moves each story, its jobs and its history to the new key; other keys stay", () => {
    const file = schema3Store(old)
    return Effect.gen(function* () {
      const store = yield* Store
      const [jobs, stories] = yield* Effect.all([store.jobs(), store.stories])
      expect(jobs.map((job) => job.storyKey)).toEqual(expected)
      expect(stories.map((story) => story.key).toSorted()).toEqual(expected.toSorted())
      const db = new DatabaseSync(file, { readOnly: true })
      expect(db.prepare("SELECT story_key FROM events ORDER BY id").all().map((row) => row["story_key"])).toEqual(expected)
      expect(db.prepare("PRAGMA foreign_key_check").all()).toEqual([])
      db.close()
    }).pipe(Effect.provide(Store.layer(file)))
  })

  it("the migrated key is the key a new link to the story gets, so a new request finds it", () => {
    old.slice(0, 6).forEach(([key, site, url], index) => {
      const storyId = key.slice(site.length + 1)
      expect(storyRef(site, storyId, url).key).toBe(expected[index])
    })
  })
})
