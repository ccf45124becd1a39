import { Result } from "effect"
import { type Job, type JobEvent, transition } from "../jobs/Job.ts"
import type { Access } from "./database.ts"
import { selectJobs } from "./rows.ts"

// The one way a line of history is written and the one way a job changes state, whoever asks
// (a runner, the recovery at start-up, a person on the dashboard): every change to a job then
// follows the same transition rules, writes the same columns and leaves the same history line.
// Both run inside a caller's transaction.

interface EventLine {
  /** The story it is about, if any. */
  readonly storyKey: string | null
  /** The job it is about, if any. */
  readonly jobId: number | null
  /** What happened: a job event's tag or another name. */
  readonly kind: string
  /** In words: the error, the origin, who asked. */
  readonly detail: string
}

export type ChangeResult =
  | { readonly _tag: "Changed"; /** The job in its new state. */ readonly job: Job }
  | {
    readonly _tag: "NotAllowed"
    /** The job, unchanged. */
    readonly job: Job
    /** Which state refused which event. */
    readonly message: string
  }
  | { readonly _tag: "Missing" }

export const makeJobEvents = (access: Pick<Access, "statement">) => {
  const { statement } = access

  const insertEvent = (now: number, line: EventLine) => {
    statement("INSERT INTO events (at, story_key, job_id, kind, detail) VALUES (?, ?, ?, ?, ?)")
      .run(now, line.storyKey, line.jobId, line.kind, line.detail)
  }

  // The history line says why: the job's error by default (a runner's events carry it), or
  // what the caller names (a person's change names who asked).
  const applyEvent = (now: number, jobId: number, event: JobEvent, detail?: string): ChangeResult => {
    const current = selectJobs(statement, "WHERE j.id = ?", jobId)[0]
    if (current === undefined) return { _tag: "Missing" }
    const next = transition(current, event)
    if (Result.isFailure(next)) return { _tag: "NotAllowed", job: current, message: next.failure.message }
    const job = next.success
    statement("UPDATE jobs SET state = ?, attempts = ?, interruptions = ?, next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?")
      .run(job.state, job.attempts, job.interruptions, job.nextAttemptAt, job.lastError, now, jobId)
    insertEvent(now, { storyKey: job.storyKey, jobId, kind: event._tag, detail: detail ?? job.lastError ?? "" })
    return { _tag: "Changed", job }
  }

  return { insertEvent, applyEvent }
}

export type JobEvents = ReturnType<typeof makeJobEvents>
