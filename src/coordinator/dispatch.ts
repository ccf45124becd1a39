import { concurrencyOf, type SchedulingPolicy } from "./policy.ts"

// Which sites get the free slots. Pure. The site with the most work left goes first (due jobs ×
// its mean run time), so the longest queue never waits behind short ones and the whole batch
// ends as early as its largest site allows. A site gets a second slot only after every site
// with due work got one, and never more than its own limit.

export interface SiteLoad {
  /** The site, as jobs name it. */
  readonly site: string
  /** Its jobs due now. */
  readonly due: number
  /** Its downloads in progress. */
  readonly running: number
  /** Downloads it allows at once. */
  readonly limit: number
  /** How long one of its downloads takes, smoothed. */
  readonly meanRunMs: number
}

export const pickSlots = (loads: ReadonlyArray<SiteLoad>, free: number): ReadonlyArray<string> => {
  const order = [...loads].sort((a, b) => b.due * b.meanRunMs - a.due * a.meanRunMs || a.site.localeCompare(b.site))
  const granted = new Map<string, number>()
  const picked: Array<string> = []
  let progress = true
  while (picked.length < free && progress) {
    progress = false
    for (const load of order) {
      if (picked.length >= free) break
      const mine = granted.get(load.site) ?? 0
      if (load.running + mine >= load.limit || mine >= load.due) continue
      granted.set(load.site, mine + 1)
      picked.push(load.site)
      progress = true
    }
  }
  return picked
}

// What one run of the Coordinator has seen of the sites, by site: it is all the dispatch
// decision needs besides the store's due counts.

interface SiteActivity {
  /** Its downloads in progress. */
  readonly running: number
  /** How long its downloads took, recent ones weighing more; unknown until one ended. */
  readonly meanRunMs: number | undefined
}

export type Activity = ReadonlyMap<string, SiteActivity>

const untouched: SiteActivity = { running: 0, meanRunMs: undefined }

export const jobStarted = (activity: Activity, site: string): Activity => {
  const current = activity.get(site) ?? untouched
  return new Map(activity).set(site, { ...current, running: current.running + 1 })
}

export const jobEnded = (activity: Activity, site: string, tookMs: number): Activity => {
  const current = activity.get(site) ?? untouched
  return new Map(activity).set(site, { running: current.running - 1, meanRunMs: 0.7 * (current.meanRunMs ?? tookMs) + 0.3 * tookMs })
}

export const runningTotal = (activity: Activity) => [...activity.values()].reduce((sum, site) => sum + site.running, 0)

export const hasFreeWorker = (activity: Activity, policy: SchedulingPolicy) => runningTotal(activity) < policy.maxWorkers

// Sites running all the downloads they allow: their due jobs cannot start, so no timer waits for them.
export const fullSites = (activity: Activity, policy: SchedulingPolicy): ReadonlyArray<string> =>
  [...activity].filter(([site, { running }]) => running >= concurrencyOf(policy, site)).map(([site]) => site)

// The sites to claim a job of now, one entry per job.
export const nextSites = (due: ReadonlyArray<Pick<SiteLoad, "site" | "due">>, activity: Activity, policy: SchedulingPolicy): ReadonlyArray<string> => {
  // A site not seen yet is assumed typical, so it neither jumps the queue nor starves.
  const known = [...activity.values()].flatMap(({ meanRunMs }) => (meanRunMs === undefined ? [] : [meanRunMs]))
  const typicalRunMs = known.length === 0 ? 1 : known.reduce((sum, ms) => sum + ms, 0) / known.length
  const loads = due.map(({ site, due }): SiteLoad => ({
    site,
    due,
    running: activity.get(site)?.running ?? 0,
    limit: concurrencyOf(policy, site),
    meanRunMs: activity.get(site)?.meanRunMs ?? typicalRunMs
  }))
  return pickSlots(loads, policy.maxWorkers - runningTotal(activity))
}
