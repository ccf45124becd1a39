import { Clock, Effect } from "effect"
import type { JobEvent } from "../jobs/Job.ts"
import { healthySite } from "../jobs/siteBreaker.ts"
import type { Access, StoreError } from "./database.ts"
import type { ChangeResult, JobEvents } from "./jobEvents.ts"

// The few changes a person can ask for from the dashboard: run a waiting job now, cancel a job,
// close a site's breaker.

export interface Controls {
  /** Applies a person's change to a job (RetryNow, Cancelled); `origin` names who asked. */
  changeJob(id: number, event: JobEvent, origin: string): Effect.Effect<ChangeResult, StoreError>
  /** Closes a site's breaker by hand; false when the site had none open. */
  resumeSite(site: string, origin: string): Effect.Effect<boolean, StoreError>
}

export const makeControls = (access: Access, events: JobEvents): Controls => {
  const { statement, inTransaction } = access

  // Applies a person's change to a job in one transaction, so it cannot race a runner's claim;
  // the same applyEvent as a runner's, so the same rules and history line, naming who asked.
  const changeJob = (id: number, event: JobEvent, origin: string) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => inTransaction(() => events.applyEvent(now, id, event, origin)))

  const resumeSite = (site: string, origin: string) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      inTransaction(() => {
        const healthy = healthySite(site)
        const changed = statement("UPDATE sites SET failures = ?, opens = ?, open_until = ?, last_error = ?, updated_at = ? WHERE site = ? AND (open_until IS NOT NULL OR failures > 0)")
          .run(healthy.failures, healthy.opens, healthy.openUntil, healthy.lastError, now, site).changes
        if (Number(changed) > 0) events.insertEvent(now, { storyKey: null, jobId: null, kind: "SiteResumed", detail: `${site} (${origin})` })
        return Number(changed) > 0
      }))

  return { changeJob, resumeSite }
}
