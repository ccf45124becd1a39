import type { DatabaseSync } from "node:sqlite"
import { siteOf } from "../stories/storyKey.ts"

// The Store's schema, one entry per version; PRAGMA user_version records how many have run.
// Append only: a shipped migration is never edited. An entry is SQL, or code where SQL cannot
// compute a value.

export type Migration = string | ((db: DatabaseSync) => void)

const siteColumns = (db: DatabaseSync) => {
  db.exec(`
    ALTER TABLE jobs ADD COLUMN site TEXT NOT NULL DEFAULT '';
    ALTER TABLE jobs ADD COLUMN owner_pid INTEGER;
    ALTER TABLE stories ADD COLUMN site TEXT NOT NULL DEFAULT '';
    CREATE INDEX jobs_by_site ON jobs(site, state, next_attempt_at);
    -- A site's breaker: failures in a row, how often it opened, and until when it is paused.
    CREATE TABLE sites (
      site TEXT PRIMARY KEY,
      failures INTEGER NOT NULL DEFAULT 0,
      opens INTEGER NOT NULL DEFAULT 0,
      open_until INTEGER,
      last_error TEXT,
      updated_at INTEGER NOT NULL
    );
  `)
  const siteFor = (url: unknown) => (typeof url === "string" && URL.canParse(url) ? siteOf(url) : "")
  for (const row of db.prepare("SELECT id, url FROM jobs").all()) db.prepare("UPDATE jobs SET site = ? WHERE id = ?").run(siteFor(row["url"]), Number(row["id"]))
  for (const row of db.prepare("SELECT key, url FROM stories").all()) db.prepare("UPDATE stories SET site = ? WHERE key = ?").run(siteFor(row["url"]), String(row["key"]))
}

export const migrations: ReadonlyArray<Migration> = [
  `
  CREATE TABLE stories (
    key TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    book_id INTEGER,
    title TEXT,
    chapters INTEGER,
    last_outcome TEXT,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    story_key TEXT NOT NULL REFERENCES stories(key),
    url TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'waiting', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    force INTEGER NOT NULL DEFAULT 0,
    origins TEXT NOT NULL,
    next_attempt_at INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  -- At most one open job per story, enforced by the database itself.
  CREATE UNIQUE INDEX one_open_job_per_story ON jobs(story_key) WHERE state IN ('queued', 'running', 'waiting');
  CREATE INDEX jobs_due ON jobs(state, next_attempt_at);
  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    story_key TEXT,
    job_id INTEGER,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE TABLE mail_receipts (
    uidvalidity INTEGER NOT NULL,
    uid INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (uidvalidity, uid)
  );
  `,
  siteColumns
]
