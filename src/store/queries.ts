import { type Effect, Schema, Struct } from "effect"
import type { SQLInputValue } from "node:sqlite"
import { type Job, JobState } from "../jobs/Job.ts"
import type { Access, StoreError } from "./database.ts"
import { HistoryItem, type Story } from "./entities.ts"
import { decodeStories, JobFromRow, jobColumns, selectJobs, storyColumns } from "./rows.ts"

// What the HTTP API reads: pages of stories, jobs and history, the open jobs with their
// stories' titles, counts. The changes a person can ask for are in controls.ts.

interface PageRequest {
  /** Counted from 1. */
  readonly page: number
  /** Items on a page. */
  readonly pageSize: number
}

interface Page<A> {
  /** This page's items. */
  readonly items: ReadonlyArray<A>
  /** How many there are on every page together. */
  readonly total: number
}

interface StoryFilter extends PageRequest {
  /** Text in the story's key, link or title. */
  readonly search?: string | undefined
  /** Only this site's stories. */
  readonly site?: string | undefined
}

interface JobFilter extends PageRequest {
  /** Only jobs in this state. */
  readonly state?: JobState | undefined
  /** Only this site's jobs. */
  readonly site?: string | undefined
}

interface HistoryFilter extends PageRequest {
  /** Text in the line's story key, kind or detail. */
  readonly search?: string | undefined
  /** Only lines of this kind. */
  readonly kind?: string | undefined
  /** Only lines about this story. */
  readonly storyKey?: string | undefined
}


const selectHistory = "SELECT id, at, story_key AS storyKey, job_id AS jobId, kind, detail FROM events"
const decodeHistory = Schema.decodeUnknownSync(Schema.Array(HistoryItem))

// An open job with what the dashboard shows beside it.
const OpenJobFromRow = JobFromRow.mapFields(Struct.assign({
  /** Its story's title, once known. */
  title: Schema.NullOr(Schema.String),
  /** When it last changed state: for a running job, when it started. */
  since: Schema.Number
}))
export type OpenJob = typeof OpenJobFromRow.Type
const decodeOpenJobs = Schema.decodeUnknownSync(Schema.Array(OpenJobFromRow))

const Count = Schema.Struct({ n: Schema.Int })
const decodeCount = Schema.decodeUnknownSync(Count)
const StateCounts = Schema.Array(Schema.Struct({ state: JobState, n: Schema.Int }))
const decodeStateCounts = Schema.decodeUnknownSync(StateCounts)

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`

// WHERE clauses built from the filters that are set; values always go in as parameters.
const where = (conditions: ReadonlyArray<readonly [boolean, string, ReadonlyArray<SQLInputValue>]>) => {
  const used = conditions.filter(([active]) => active)
  return {
    sql: used.length === 0 ? "" : `WHERE ${used.map(([, sql]) => sql).join(" AND ")}`,
    params: used.flatMap(([, , params]) => params)
  }
}

const offsetOf = (request: PageRequest) => (request.page - 1) * request.pageSize

export interface Queries {
  /** The stories matching the filter, the last changed first. */
  storiesPage(filter: StoryFilter): Effect.Effect<Page<Story>, StoreError>
  story(key: string): Effect.Effect<Story | undefined, StoreError>
  /** The newest job of each of these stories, by story key. */
  latestJobs(keys: ReadonlyArray<string>): Effect.Effect<ReadonlyMap<string, Job>, StoreError>
  /** The jobs matching the filter, the newest first. */
  jobsPage(filter: JobFilter): Effect.Effect<Page<Job>, StoreError>
  job(id: number): Effect.Effect<Job | undefined, StoreError>
  /** The history lines matching the filter, the newest first. */
  historyPage(filter: HistoryFilter): Effect.Effect<Page<HistoryItem>, StoreError>
  /** History after an event id, oldest first: what a live stream has not sent yet. */
  eventsAfter(id: number, limit: number): Effect.Effect<ReadonlyArray<HistoryItem>, StoreError>
  /** Grows with every recorded change, in this process or another. */
  readonly lastEventId: Effect.Effect<number, StoreError>
  /** Queued, running and waiting jobs, with their stories' titles. */
  readonly openJobs: Effect.Effect<ReadonlyArray<OpenJob>, StoreError>
  /** How many jobs are in each state. */
  readonly countsByState: Effect.Effect<Record<JobState, number>, StoreError>
}

export const makeQueries = (access: Access): Queries => {
  const { statement, read } = access

  const storiesPage = (filter: StoryFilter) =>
    read((): Page<Story> => {
      const search = filter.search === undefined || filter.search === "" ? undefined : likePattern(filter.search)
      const clause = where([
        [search !== undefined, "(key LIKE ? ESCAPE '\\' OR url LIKE ? ESCAPE '\\' OR COALESCE(title, '') LIKE ? ESCAPE '\\')", [search ?? "", search ?? "", search ?? ""]],
        [filter.site !== undefined && filter.site !== "", "site = ?", [filter.site ?? ""]]
      ])
      const total = decodeCount(statement(`SELECT COUNT(*) AS n FROM stories ${clause.sql}`).get(...clause.params)).n
      const items = decodeStories(
        statement(`SELECT ${storyColumns} FROM stories ${clause.sql} ORDER BY updated_at DESC, key LIMIT ? OFFSET ?`)
          .all(...clause.params, filter.pageSize, offsetOf(filter))
      )
      return { items, total }
    })

  const story = (key: string) =>
    read(() => decodeStories(statement(`SELECT ${storyColumns} FROM stories WHERE key = ?`).all(key))[0])

  const latestJobs = (keys: ReadonlyArray<string>) =>
    read(() =>
      new Map(selectJobs(statement, "WHERE j.id IN (SELECT MAX(id) FROM jobs WHERE story_key IN (SELECT value FROM json_each(?)) GROUP BY story_key)", JSON.stringify(keys))
        .map((job) => [job.storyKey, job])))

  const jobsPage = (filter: JobFilter) =>
    read((): Page<Job> => {
      const clause = where([
        [filter.state !== undefined, "state = ?", [filter.state ?? ""]],
        [filter.site !== undefined && filter.site !== "", "site = ?", [filter.site ?? ""]]
      ])
      const total = decodeCount(statement(`SELECT COUNT(*) AS n FROM jobs ${clause.sql}`).get(...clause.params)).n
      const items = selectJobs(statement, `${clause.sql} ORDER BY j.id DESC LIMIT ? OFFSET ?`, ...clause.params, filter.pageSize, offsetOf(filter))
      return { items, total }
    })

  const job = (id: number) => read(() => selectJobs(statement, "WHERE j.id = ?", id)[0])

  const historyPage = (filter: HistoryFilter) =>
    read((): Page<HistoryItem> => {
      const search = filter.search === undefined || filter.search === "" ? undefined : likePattern(filter.search)
      const clause = where([
        [search !== undefined, "(COALESCE(story_key, '') LIKE ? ESCAPE '\\' OR kind LIKE ? ESCAPE '\\' OR detail LIKE ? ESCAPE '\\')", [search ?? "", search ?? "", search ?? ""]],
        [filter.kind !== undefined && filter.kind !== "", "kind = ?", [filter.kind ?? ""]],
        [filter.storyKey !== undefined && filter.storyKey !== "", "story_key = ?", [filter.storyKey ?? ""]]
      ])
      const total = decodeCount(statement(`SELECT COUNT(*) AS n FROM events ${clause.sql}`).get(...clause.params)).n
      const items = decodeHistory(statement(`${selectHistory} ${clause.sql} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...clause.params, filter.pageSize, offsetOf(filter)))
      return { items, total }
    })

  const eventsAfter = (id: number, limit: number) =>
    read(() => decodeHistory(statement(`${selectHistory} WHERE id > ? ORDER BY id LIMIT ?`).all(id, limit)))

  const lastEventId = read(() => decodeCount(statement("SELECT COALESCE(MAX(id), 0) AS n FROM events").get()).n)

  const openJobs = read(() =>
    decodeOpenJobs(statement(
      `SELECT ${jobColumns}, s.title AS title, j.updated_at AS since FROM jobs j LEFT JOIN stories s ON s.key = j.story_key
       WHERE j.state IN ('queued', 'running', 'waiting') ORDER BY j.id`
    ).all()))

  const countsByState = read(() => {
    const counts: Record<JobState, number> = { queued: 0, running: 0, waiting: 0, done: 0, failed: 0, skipped: 0 }
    for (const row of decodeStateCounts(statement("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state").all())) counts[row.state] = row.n
    return counts
  })

  return { storiesPage, story, latestJobs, jobsPage, job, historyPage, eventsAfter, lastEventId, openJobs, countsByState }
}
