import { Effect, Metric } from "effect"
import { PrometheusMetrics } from "effect/observability"
import type { JobState } from "../jobs/Job.ts"
import { describeSite, isPaused, type SiteState } from "../jobs/siteBreaker.ts"
import type { DaemonHealth } from "../process/daemonHealth.ts"
import type { OpenJob } from "../store/queries.ts"
import { siteStates } from "../store/statusView.ts"
import type { StatusView } from "./Api.ts"

// What /api/status, /api/widget and /metrics say, from what the Store and the daemon's health
// file hold. Pure, so every field is tested without a server.

interface SnapshotInput {
  /** Which process serves: `once` serves read-only. */
  readonly mode: "daemon" | "once"
  /** The time the snapshot describes, in milliseconds. */
  readonly now: number
  /** The daemon's health file; undefined while `once` runs. */
  readonly health: DaemonHealth | undefined
  /** How many jobs the Store holds in each state. */
  readonly counts: Record<JobState, number>
  /** Every site's breaker. */
  readonly sites: ReadonlyArray<SiteState>
  /** The queued, running and waiting jobs. */
  readonly openJobs: ReadonlyArray<OpenJob>
}

const base = (job: OpenJob) => ({ jobId: job.id, storyKey: job.storyKey, url: job.url, site: job.site, title: job.title })

export const statusSnapshot = (input: SnapshotInput): StatusView => ({
  mode: input.mode,
  readOnly: input.mode === "once",
  now: input.now,
  services: (input.health?.services ?? []).map((service) => ({ name: service.name, state: service.state, restarts: service.restarts, lastError: service.lastError })),
  counts: input.counts,
  sites: siteStates({ sites: input.sites, jobs: input.openJobs }).map((site) => ({
    site: site.site,
    state: describeSite(site, input.now),
    paused: isPaused(site, input.now),
    failures: site.failures,
    openUntil: site.openUntil,
    lastError: site.lastError
  })),
  running: input.openJobs.filter((job) => job.state === "running").map((job) => ({ ...base(job), startedAt: job.since, elapsedMs: Math.max(0, input.now - job.since) })),
  waiting: input.openJobs.filter((job) => job.state === "waiting")
    .map((job) => ({ ...base(job), attempts: job.attempts, nextAttemptAt: job.nextAttemptAt, lastError: job.lastError })),
  queued: input.openJobs.filter((job) => job.state === "queued").map(base)
})

export const widgetOf = (status: StatusView) => ({
  active_downloads: status.counts.running,
  queued: status.counts.queued,
  waiting_retry: status.counts.waiting,
  total_completed: status.counts.done,
  status: "running",
  active: [
    ...status.running.map((job) => ({ url: job.url, site: job.site, title: job.title, state: "downloading" as const })),
    ...status.waiting.map((job) => ({ url: job.url, site: job.site, title: job.title, state: "waiting" as const }))
  ]
})

// A failed service makes the whole process unhealthy; restarting is still healthy.
export const unhealthyServices = (status: StatusView) => status.services.filter((service) => service.state === "failed")

type Samples = ReadonlyArray<readonly [Readonly<Record<string, string>> | undefined, number]>

// Each scrape fills a registry of its own from the status, so a site or service that is gone
// leaves no stale series, and concurrent scrapes and servers (tests) never mix.
const record = (kind: "gauge" | "counter", name: string, description: string, samples: Samples) =>
  Effect.forEach(samples, ([attributes, value]) => {
    const options = { description, ...(attributes === undefined ? {} : { attributes }) }
    return kind === "gauge" ? Metric.update(Metric.gauge(name, options), value) : Metric.update(Metric.counter(name, options), value)
  }, { discard: true })

// Prometheus text exposition format, version 0.0.4.
export const metricsText = (status: StatusView, eventsTotal: number): Effect.Effect<string> =>
  Effect.gen(function* () {
    yield* record("gauge", "automated_fanfic_jobs", "Jobs in the store by state.",
      Object.entries(status.counts).map(([state, count]) => [{ state }, count]))
    yield* record("gauge", "automated_fanfic_site_paused", "1 while a site's breaker pauses it.",
      status.sites.map((site) => [{ site: site.site }, site.paused ? 1 : 0]))
    yield* record("gauge", "automated_fanfic_site_failures", "Site-level failures in a row.",
      status.sites.map((site) => [{ site: site.site }, site.failures]))
    yield* record("gauge", "automated_fanfic_service_up", "1 while a daemon service is up.",
      status.services.map((service) => [{ service: service.name }, service.state === "up" ? 1 : 0]))
    yield* record("counter", "automated_fanfic_service_restarts_total", "Restarts of a daemon service after a defect.",
      status.services.map((service) => [{ service: service.name }, service.restarts]))
    yield* record("gauge", "automated_fanfic_running_job_seconds", "How long the longest running job has run.",
      [[undefined, Math.max(0, ...status.running.map((job) => job.elapsedMs)) / 1000]])
    yield* record("counter", "automated_fanfic_history_events_total", "Events recorded in the history.", [[undefined, eventsTotal]])
    return yield* PrometheusMetrics.format()
  }).pipe(Effect.provideServiceEffect(Metric.MetricRegistry, Effect.sync(() => new Map())))
