import type { DatabaseSync } from "node:sqlite"
import { scopedSites } from "../sites/idScope.ts"
import { classifyKnownLink } from "../sites/knownSites.ts"
import { siteIdOfHost, storyKeyOf } from "../sites/siteId.ts"

// The Store's schema, one entry per version; PRAGMA user_version records how many have run.
// Append only: a shipped migration is never edited. An entry is SQL, or code where SQL cannot
// compute a value.

type Migration = string | ((db: DatabaseSync) => void)

// Version 2's notion of a site, kept as it shipped: the host without "www.".
const hostSite = (url: string): string => new URL(url).host.toLowerCase().replace(/^www\./, "")

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
  const siteFor = (url: unknown) => (typeof url === "string" && URL.canParse(url) ? hostSite(url) : "")
  for (const row of db.prepare("SELECT id, url FROM jobs").all()) db.prepare("UPDATE jobs SET site = ? WHERE id = ?").run(siteFor(row["url"]), Number(row["id"]))
  for (const row of db.prepare("SELECT key, url FROM stories").all()) db.prepare("UPDATE stories SET site = ? WHERE key = ?").run(siteFor(row["url"]), String(row["key"]))
}

// A story's key, wherever it is written. Run with foreign keys deferred (jobs point at stories).
const renameStory = (db: DatabaseSync, from: string, to: string) => {
  db.prepare("UPDATE stories SET key = ? WHERE key = ?").run(to, from)
  db.prepare("UPDATE jobs SET story_key = ? WHERE story_key = ?").run(to, from)
  db.prepare("UPDATE events SET story_key = ? WHERE story_key = ?").run(to, from)
}

// Version 3: sites named as AutomatedFanfic names them (disabled_sites), stories keyed site:id
// where our own rules know the link, and mail receipts per mailbox with the jobs they asked for.
const siteIdsAndMail = (db: DatabaseSync) => {
  // Story keys change below while jobs point at them; the check runs at COMMIT instead.
  db.exec("PRAGMA defer_foreign_keys = ON")
  db.exec(`
    DROP TABLE mail_receipts;
    CREATE TABLE mail_receipts (
      mailbox TEXT NOT NULL,
      uidvalidity INTEGER NOT NULL,
      uid INTEGER NOT NULL,
      message_id TEXT,
      subject TEXT,
      received_at INTEGER NOT NULL,
      -- When to set \\Seen: on_queue, on_success, never, or none (no story links in it).
      flag_when TEXT NOT NULL,
      flagged_at INTEGER,
      PRIMARY KEY (mailbox, uidvalidity, uid)
    );
    CREATE TABLE mail_receipt_jobs (
      mailbox TEXT NOT NULL,
      uidvalidity INTEGER NOT NULL,
      uid INTEGER NOT NULL,
      job_id INTEGER NOT NULL REFERENCES jobs(id),
      PRIMARY KEY (mailbox, uidvalidity, uid, job_id)
    );
    CREATE INDEX mail_receipts_unflagged ON mail_receipts(mailbox, uidvalidity) WHERE flagged_at IS NULL;
  `)
  const host = (url: unknown) => (typeof url === "string" && URL.canParse(url) ? new URL(url).hostname : "")
  for (const row of db.prepare("SELECT id, url FROM jobs").all()) db.prepare("UPDATE jobs SET site = ? WHERE id = ?").run(siteIdOfHost(host(row["url"])), Number(row["id"]))
  for (const row of db.prepare("SELECT key, url FROM stories").all()) {
    const url = String(row["url"])
    const verdict = URL.canParse(url) ? classifyKnownLink(new URL(url)) : undefined
    const key = verdict?._tag === "Story" ? verdict.story.key : String(row["key"])
    const taken = key !== row["key"] && db.prepare("SELECT 1 FROM stories WHERE key = ?").get(key) !== undefined
    const newKey = taken ? String(row["key"]) : key
    db.prepare("UPDATE stories SET site = ? WHERE key = ?").run(siteIdOfHost(host(url)), String(row["key"]))
    renameStory(db, String(row["key"]), newKey)
  }
  for (const row of db.prepare("SELECT site FROM sites").all()) {
    const site = String(row["site"])
    db.prepare("UPDATE OR IGNORE sites SET site = ? WHERE site = ?").run(siteIdOfHost(site), site)
  }
  db.exec("DELETE FROM sites WHERE site LIKE '%.%'")
}

// Version 4: on sites whose story ids are unique only per host or section (idScope.ts), a key
// site:id named every story with that id; it becomes site:scope/id, the scope read from the
// story's stored canonical link, so the story keeps its jobs and history and a new link to it
// finds it. A key whose new form is already taken stays as it is.
const scopedStoryKeys = (db: DatabaseSync) => {
  db.exec("PRAGMA defer_foreign_keys = ON")
  for (const row of db.prepare("SELECT key, url, site FROM stories").all()) {
    const key = String(row["key"])
    const site = String(row["site"])
    if (!scopedSites.has(site) || !key.startsWith(`${site}:`)) continue
    const scoped = storyKeyOf(site, key.slice(site.length + 1), String(row["url"]))
    if (scoped !== key && db.prepare("SELECT 1 FROM stories WHERE key = ?").get(scoped) === undefined) renameStory(db, key, scoped)
  }
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
  siteColumns,
  siteIdsAndMail,
  scopedStoryKeys,
  // Version 5: a running job belongs to a process instance (a random id whose lock file that
  // process holds), not to a pid; tries cut short by a crash are counted apart from real ones.
  `
  ALTER TABLE jobs ADD COLUMN owner TEXT;
  ALTER TABLE jobs ADD COLUMN interruptions INTEGER NOT NULL DEFAULT 0;
  `,
  // Version 6: watch sources (library sweep, reading lists, feeds, Calibre import): what each story's site
  // said when last asked, whether the story is followed, and each source's last run.
  `
  ALTER TABLE stories ADD COLUMN author TEXT;
  ALTER TABLE stories ADD COLUMN status TEXT;
  ALTER TABLE stories ADD COLUMN date_updated TEXT;
  ALTER TABLE stories ADD COLUMN checked_at INTEGER;
  ALTER TABLE stories ADD COLUMN watch TEXT NOT NULL DEFAULT 'follow' CHECK (watch IN ('follow', 'paused', 'ignored', 'gone'));
  ALTER TABLE stories ADD COLUMN update_method TEXT;
  CREATE TABLE watch_sources (
    source TEXT PRIMARY KEY,
    last_run_at INTEGER,
    next_run_at INTEGER,
    found INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    etag TEXT,
    last_modified TEXT,
    updated_at INTEGER NOT NULL
  );
  `
]
