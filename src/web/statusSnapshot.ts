import type { JobState } from "../jobs/Job.ts"
import { describeSite, isPaused, type SiteState } from "../jobs/siteBreaker.ts"
import type { DaemonHealth } from "../process/daemonHealth.ts"
import type { OpenJob } from "../store/queries.ts"
import { siteStates } from "../store/statusView.ts"
import type { StatusView } from "./Api.ts"

// What /api/status, /api/widget and /metrics say, from what the Store and the daemon's health
// file hold. Pure, so every field is tested without a server.

export interface SnapshotInput {
  readonly mode: "daemon" | "once"
  readonly now: number
  readonly health: DaemonHealth | undefined
  readonly counts: Record<JobState, number>
  readonly sites: ReadonlyArray<SiteState>
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

const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, "\\\"").replace(/\n/g, "\\n")

// Prometheus text exposition format, version 0.0.4.
export const metricsText = (status: StatusView, eventsTotal: number): string => {
  const lines: Array<string> = []
  const metric = (name: string, type: "gauge" | "counter", help: string, samples: ReadonlyArray<readonly [string, number]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`)
  }
  metric("automated_fanfic_jobs", "gauge", "Jobs in the store by state.",
    Object.entries(status.counts).map(([state, count]) => [`{state="${state}"}`, count]))
  metric("automated_fanfic_site_paused", "gauge", "1 while a site's breaker pauses it.",
    status.sites.map((site) => [`{site="${escapeLabel(site.site)}"}`, site.paused ? 1 : 0]))
  metric("automated_fanfic_site_failures", "gauge", "Site-level failures in a row.",
    status.sites.map((site) => [`{site="${escapeLabel(site.site)}"}`, site.failures]))
  metric("automated_fanfic_service_up", "gauge", "1 while a daemon service is up.",
    status.services.map((service) => [`{service="${escapeLabel(service.name)}"}`, service.state === "up" ? 1 : 0]))
  metric("automated_fanfic_service_restarts_total", "counter", "Restarts of a daemon service after a defect.",
    status.services.map((service) => [`{service="${escapeLabel(service.name)}"}`, service.restarts]))
  metric("automated_fanfic_running_job_seconds", "gauge", "How long the longest running job has run.",
    [["", Math.max(0, ...status.running.map((job) => job.elapsedMs)) / 1000]])
  metric("automated_fanfic_history_events_total", "counter", "Events recorded in the history.", [["", eventsTotal]])
  return `${lines.join("\n")}\n`
}
