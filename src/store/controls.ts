import { Clock, Effect } from "effect"
import type { JobEvent } from "../jobs/Job.ts"
import { healthySite } from "../jobs/siteBreaker.ts"
import type { Access } from "./database.ts"
import type { ChangeResult, JobEvents } from "./jobEvents.ts"

export type { ChangeResult }

// The few changes a person can ask for from the dashboard: run a waiting job now, cancel a job,
// close a site's breaker.

export const makeControls = (access: Access, events: JobEvents) => {
  const { statement, inTransaction } = access

  // Applies a person's change to a job in one transaction, so it cannot race a runner's claim;
  // the same applyEvent as a runner's, so the same rules and history line, naming who asked.
  const changeJob = (id: number, event: JobEvent, origin: string) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => inTransaction((): ChangeResult => events.applyEvent(now, id, event, origin)))

  // Closes a site's breaker by hand; false when the site had none open.
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

export type Controls = ReturnType<typeof makeControls>
