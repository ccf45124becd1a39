// The Store's schema, one entry per version; PRAGMA user_version records how many have run.
// Append only: a shipped migration is never edited.
export const migrations: ReadonlyArray<string> = [
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
  `
]
