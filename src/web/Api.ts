import { Schema, Struct } from "effect"
import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, HttpApiSecurity, OpenApi } from "effect/http-api"
import { Job, JobState } from "../jobs/Job.ts"
import { HistoryItem, Story } from "../store/entities.ts"
import { UpdateMethod } from "../config/ConfigSchema.ts"

// The HTTP API, schema first: every route's input and output, from which the server decodes
// requests, encodes answers and writes /openapi.json. Live events (/api/events), /metrics and
// the dashboard page are plain routes beside it (see WebServer.ts).

export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", { message: Schema.String }, { httpApiStatus: 400 }) {}
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", { message: Schema.String }, { httpApiStatus: 404 }) {}
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", { message: Schema.String }, { httpApiStatus: 409 }) {}
export class Unavailable extends Schema.TaggedError<Unavailable>()("Unavailable", { message: Schema.String }, { httpApiStatus: 503 }) {}
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", { message: Schema.String }, { httpApiStatus: 401 }) {}

// On every route that changes something: `Authorization: Bearer <web.token>` when a token is set
// (WebServer.ts checks it). Reads never need it; which requests are served at all is
// requestGuard.ts's business, before this.
export class RequireToken extends HttpApiMiddleware.Service<RequireToken>()("automated-fanfic/web/RequireToken", {
  error: Unauthorized,
  security: { bearer: HttpApiSecurity.bearer }
}) {}

const Millis = Schema.Number
const Nullable = <S extends Schema.Top>(schema: S) => Schema.NullOr(schema)

// A job's interruptions are history only; the API has never shown them.
const JobView = Job.mapFields(Struct.omit(["interruptions"]))

const JobSummary = Job.mapFields(Struct.pick(["id", "state", "attempts", "nextAttemptAt", "lastError"]))

export const StoryView = Story.mapFields(Struct.assign({
  /** The story's newest job. */
  job: Nullable(JobSummary)
}))

const pageOf = <S extends Schema.Top>(item: S) =>
  Schema.Struct({ items: Schema.Array(item), total: Schema.Int, page: Schema.Int, pageSize: Schema.Int })

const Paging = {
  page: Schema.optional(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1)))),
  pageSize: Schema.optional(Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: 1, maximum: 500 }))))
}

const OpenJobBase = { jobId: Schema.Int, storyKey: Schema.String, url: Schema.String, site: Schema.String, title: Nullable(Schema.String) }

export const StatusView = Schema.Struct({
  mode: Schema.Literals(["daemon", "once"]),
  // True while `once` runs: it serves what it does, but takes no requests to change anything.
  readOnly: Schema.Boolean,
  now: Millis,
  services: Schema.Array(Schema.Struct({ name: Schema.String, state: Schema.String, restarts: Schema.Int, lastError: Nullable(Schema.String) })),
  counts: Schema.Struct({ queued: Schema.Int, running: Schema.Int, waiting: Schema.Int, done: Schema.Int, failed: Schema.Int, skipped: Schema.Int }),
  sites: Schema.Array(Schema.Struct({
    site: Schema.String,
    state: Schema.String,
    paused: Schema.Boolean,
    failures: Schema.Int,
    openUntil: Nullable(Millis),
    lastError: Nullable(Schema.String)
  })),
  running: Schema.Array(Schema.Struct({ ...OpenJobBase, startedAt: Millis, elapsedMs: Millis })),
  waiting: Schema.Array(Schema.Struct({ ...OpenJobBase, attempts: Schema.Int, nextAttemptAt: Nullable(Millis), lastError: Nullable(Schema.String) })),
  queued: Schema.Array(Schema.Struct(OpenJobBase))
})
export type StatusView = typeof StatusView.Type

// The fields AutomatedFanfic's /api/widget has, so a Homepage customapi widget keeps working.
export const WidgetView = Schema.Struct({
  active_downloads: Schema.Int,
  queued: Schema.Int,
  waiting_retry: Schema.Int,
  total_completed: Schema.Int,
  status: Schema.String,
  active: Schema.Array(Schema.Struct({ url: Schema.String, site: Schema.String, title: Nullable(Schema.String), state: Schema.Literals(["waiting", "downloading"]) }))
})

const Health = Schema.Struct({ status: Schema.String })

export const AddResult = Schema.Struct({
  url: Schema.String,
  accepted: Schema.Boolean,
  storyKey: Schema.optional(Schema.String),
  jobId: Schema.optional(Schema.Int),
  merged: Schema.optional(Schema.Boolean),
  message: Schema.String
})

const Changed = Schema.Struct({ message: Schema.String, job: Schema.optional(JobView) })

class StatusGroup extends HttpApiGroup.make("status")
  .add(
    HttpApiEndpoint.get("status", "/api/status", { success: StatusView }),
    HttpApiEndpoint.get("widget", "/api/widget", { success: WidgetView }),
    // The effective configuration with every secret masked; nothing here can change it.
    HttpApiEndpoint.get("config", "/api/config", { success: Schema.Struct({ config: Schema.Unknown }) }),
    HttpApiEndpoint.get("healthz", "/healthz", { success: Health, error: Unavailable }),
    // AutomatedFanfic's path for the same.
    HttpApiEndpoint.get("health", "/api/health", { success: Health, error: Unavailable })
  ) {}

class StoriesGroup extends HttpApiGroup.make("stories")
  .add(
    HttpApiEndpoint.get("list", "/api/stories", {
      query: { search: Schema.optional(Schema.String), site: Schema.optional(Schema.String), ...Paging },
      success: pageOf(StoryView)
    }),
    HttpApiEndpoint.get("get", "/api/stories/:key", { params: { key: Schema.String }, success: StoryView, error: NotFound }),
    HttpApiEndpoint.post("add", "/api/stories", {
      payload: Schema.Struct({
        urls: Schema.Array(Schema.String).pipe(Schema.check(Schema.isMinLength(1)), Schema.check(Schema.isMaxLength(500))),
        force: Schema.optional(Schema.Boolean)
      }),
      success: Schema.Struct({ results: Schema.Array(AddResult) }),
      // Unavailable: FanFicFare, which names the stories of sites we have no rules for, cannot run.
      error: [BadRequest, Unavailable]
    }).middleware(RequireToken),
    // Download the whole story again (FanFicFare --force), now.
    HttpApiEndpoint.post("refresh", "/api/stories/:key/refresh", { params: { key: Schema.String }, success: Changed, error: [NotFound, Conflict] }).middleware(RequireToken)
  ) {}

class JobsGroup extends HttpApiGroup.make("jobs")
  .add(
    HttpApiEndpoint.get("list", "/api/jobs", {
      query: { state: Schema.optional(JobState), site: Schema.optional(Schema.String), ...Paging },
      success: pageOf(JobView)
    }),
    HttpApiEndpoint.get("get", "/api/jobs/:id", { params: { id: Schema.Int }, success: JobView, error: NotFound }),
    // A waiting job runs now; a finished one is requested again.
    HttpApiEndpoint.post("retry", "/api/jobs/:id/retry", { params: { id: Schema.Int }, success: Changed, error: [NotFound, Conflict] }).middleware(RequireToken),
    HttpApiEndpoint.post("cancel", "/api/jobs/:id/cancel", { params: { id: Schema.Int }, success: Changed, error: [NotFound, Conflict] }).middleware(RequireToken)
  ) {}

class HistoryGroup extends HttpApiGroup.make("history")
  .add(
    HttpApiEndpoint.get("list", "/api/history", {
      query: { search: Schema.optional(Schema.String), kind: Schema.optional(Schema.String), storyKey: Schema.optional(Schema.String), ...Paging },
      success: pageOf(HistoryItem)
    })
  ) {}

class SitesGroup extends HttpApiGroup.make("sites")
  .add(
    // Ends a site's pause (its breaker) now.
    HttpApiEndpoint.post("resume", "/api/sites/:site/resume", { params: { site: Schema.String }, success: Changed, error: [NotFound, Conflict] }).middleware(RequireToken)
  ) {}

export const SourceView = Schema.Struct({
  // import, sweep, list:URL or feed:URL, as its requests are named in the history.
  source: Schema.String,
  lastRunAt: Nullable(Millis),
  nextRunAt: Nullable(Millis),
  found: Schema.Int,
  error: Nullable(Schema.String)
})

const Message = Schema.Struct({ message: Schema.String })

class WatchGroup extends HttpApiGroup.make("watch")
  .add(
    // The watch sources beside the mailbox: last run, next run, stories found, errors.
    HttpApiEndpoint.get("sources", "/api/watch", { success: Schema.Struct({ sources: Schema.Array(SourceView) }) }),
    // follow, paused (no sweep, no alert-triggered update) or ignored.
    HttpApiEndpoint.post("setWatch", "/api/stories/:key/watch", {
      params: { key: Schema.String },
      payload: Schema.Struct({ watch: Schema.Literals(["follow", "paused", "ignored"]) }),
      success: Message,
      error: NotFound
    }).middleware(RequireToken),
    // The story's own update_method; null for [calibre] update_method.
    HttpApiEndpoint.post("setUpdateMethod", "/api/stories/:key/update-method", {
      params: { key: Schema.String },
      payload: Schema.Struct({ method: Schema.NullOr(UpdateMethod) }),
      success: Message,
      error: NotFound
    }).middleware(RequireToken)
  ) {}

export class Api extends HttpApi.make("automated-fanfic")
  .add(StatusGroup)
  .add(StoriesGroup)
  .add(JobsGroup)
  .add(HistoryGroup)
  .add(SitesGroup)
  .add(WatchGroup)
  .annotateMerge(OpenApi.annotations({
    title: "automated-fanfic",
    description: "Status, history and control of automated-fanfic. Requests that change something need `Authorization: Bearer <web.token>` when a token is set, and `Content-Type: application/json`."
  })) {}
