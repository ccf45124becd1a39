import { Result, Schema } from "effect"

// A request to refresh one story, and the only ways its state may change. Pure: the Store
// persists what these functions decide.

export const JobState = Schema.Literals(["queued", "running", "done", "waiting", "failed", "skipped"])
export type JobState = typeof JobState.Type

const openStates: ReadonlyArray<JobState> = ["queued", "running", "waiting"]
const isOpen = (state: JobState) => openStates.includes(state)

export const Job = Schema.Struct({
  /** The Store's id for the job; history lines name it. */
  id: Schema.Int,
  /** The story it refreshes, as `site:storyId`. */
  storyKey: Schema.String,
  /** The link FanFicFare downloads the story from. */
  url: Schema.String,
  /** The site id; each site has its own breaker and concurrency. */
  site: Schema.String,
  /** Where the job is in its life; only `transition` changes it. */
  state: JobState,
  /** Tries that ran to an end; they count toward the retry limit. */
  attempts: Schema.Int,
  /** Tries cut short by a crash or a stop (Recovered): history only, never toward the limit. */
  interruptions: Schema.Int,
  /** Download every chapter again (FanFicFare --force), not only the new ones. */
  force: Schema.Boolean,
  /** Who asked for it (manual, web, email:…, a watch source), each once. */
  origins: Schema.Array(Schema.String),
  /** When a waiting job may run again, in epoch milliseconds; null unless waiting. */
  nextAttemptAt: Schema.NullOr(Schema.Number),
  /** Why the last try did not succeed, or why the job was skipped. */
  lastError: Schema.NullOr(Schema.String)
})
export type Job = typeof Job.Type

export interface JobRequest {
  /** The story to refresh, as `site:storyId`. */
  readonly storyKey: string
  /** The link to download it from. */
  readonly url: string
  /** The story's site id. */
  readonly site: string
  /** Who asks; kept in the job's origins. */
  readonly origin: string
  /** Download every chapter again. */
  readonly force: boolean
}

// What became of a request.
export interface RequestOutcome {
  /** The job that now carries the request. */
  readonly job: Job
  /** True when the request merged into a job already open for the story. */
  readonly merged: boolean
}

export type JobEvent =
  | { readonly _tag: "Started" }
  | { readonly _tag: "Succeeded" }
  | {
    readonly _tag: "RetryAt"
    /** When the next try may start, in epoch milliseconds. */
    readonly at: number
    /** Why this try did not succeed. */
    readonly error: string
    /** This is the Hail-Mary; after it the job fails for good. */
    readonly lastTry?: boolean
  }
  | { readonly _tag: "Failed"; /** Why the job fails for good. */ readonly error: string }
  | { readonly _tag: "Skipped"; /** Why the job will not run. */ readonly reason: string }
  // At start-up, a job a crash left running goes back to the queue; waiting jobs keep their time.
  // The try it cut short is not counted: a crash is not the story's fault.
  | { readonly _tag: "Recovered" }
  // A person asked: run a waiting job now, or drop a job that has not started.
  | { readonly _tag: "RetryNow" }
  | { readonly _tag: "Cancelled"; /** Why, and who asked. */ readonly reason: string }

class InvalidTransition extends Schema.TaggedError<InvalidTransition>()("InvalidTransition", {
  /** The job that was asked to change. */
  jobId: Schema.Int,
  /** The state it is in. */
  from: JobState,
  /** The event's tag, which that state does not allow. */
  event: Schema.String
}) {
  override get message() {
    return `job ${this.jobId} cannot go from ${this.from} on ${this.event}`
  }
}

// A new request for a story that already has an open job merges into it: origins are kept
// and force is OR-ed. Otherwise it becomes a new queued job (id assigned by the Store).
export const mergeRequest = (open: Job | undefined, request: JobRequest): Omit<Job, "id"> & { readonly id?: number } => {
  if (open !== undefined && isOpen(open.state)) {
    return {
      ...open,
      force: open.force || request.force,
      origins: open.origins.includes(request.origin) ? open.origins : [...open.origins, request.origin]
    }
  }
  return {
    storyKey: request.storyKey,
    url: request.url,
    site: request.site,
    state: "queued",
    attempts: 0,
    interruptions: 0,
    force: request.force,
    origins: [request.origin],
    nextAttemptAt: null,
    lastError: null
  }
}

const allowed: Record<JobEvent["_tag"], ReadonlyArray<JobState>> = {
  Started: ["queued", "waiting"],
  Succeeded: ["running"],
  RetryAt: ["running"],
  Failed: ["running", "queued", "waiting"],
  Skipped: ["queued", "waiting", "running"],
  Recovered: ["running"],
  RetryNow: ["waiting"],
  Cancelled: ["queued", "waiting"]
}

export const transition = (job: Job, event: JobEvent): Result.Result<Job, InvalidTransition> => {
  if (!allowed[event._tag].includes(job.state)) {
    return Result.fail(new InvalidTransition({ jobId: job.id, from: job.state, event: event._tag }))
  }
  switch (event._tag) {
    case "Started":
      return Result.succeed({ ...job, state: "running", attempts: job.attempts + 1, nextAttemptAt: null })
    case "Succeeded":
      return Result.succeed({ ...job, state: "done", lastError: null })
    case "RetryAt":
      return Result.succeed({ ...job, state: "waiting", nextAttemptAt: event.at, lastError: event.error })
    case "Failed":
      return Result.succeed({ ...job, state: "failed", nextAttemptAt: null, lastError: event.error })
    case "Skipped":
      return Result.succeed({ ...job, state: "skipped", nextAttemptAt: null, lastError: event.reason })
    case "Recovered":
      return Result.succeed({ ...job, state: "queued", attempts: Math.max(0, job.attempts - 1), interruptions: job.interruptions + 1 })
    case "RetryNow":
      return Result.succeed({ ...job, state: "queued", nextAttemptAt: null })
    case "Cancelled":
      return Result.succeed({ ...job, state: "skipped", nextAttemptAt: null, lastError: event.reason })
  }
}
