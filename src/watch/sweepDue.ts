import type { WatchedStory } from "../store/watchRecords.ts"

// Which stories the library sweep checks now. Pure: the sweep reads the store and queues these.

interface SweepSettings {
  /** An In-Progress (or unknown-status) story is due this long after its site was last asked (0: never). */
  readonly inProgressMs: number
  /** A Completed story, this long (0: never). */
  readonly completedMs: number
}

export const sweepSettings = (watch: { readonly library_sweep_hours: number; readonly completed_sweep_days: number }): SweepSettings => ({
  inProgressMs: watch.library_sweep_hours * 3_600_000,
  // Completed stories are part of the sweep: no sweep, no check of them either.
  completedMs: watch.library_sweep_hours === 0 ? 0 : watch.completed_sweep_days * 86_400_000
})

// When the site was last asked about the story: a check, or a job that ran.
const lastAsked = (story: WatchedStory): number => Math.max(story.checkedAt ?? 0, story.lastRunAt ?? 0)

// Followed stories with no open job, on sites that are not paused, past their interval; the
// longest unasked first.
export const dueForSweep = (
  stories: ReadonlyArray<WatchedStory>,
  pausedSites: ReadonlySet<string>,
  now: number,
  settings: SweepSettings
): ReadonlyArray<WatchedStory> =>
  stories
    .filter((story) => {
      if (story.watch !== "follow" || story.openJob > 0 || pausedSites.has(story.site)) return false
      // A Completed story never asked waits its interval from when the store learnt of it; an
      // In-Progress one is checked at once (it may have missed alerts for years).
      if (story.status === "Completed") return settings.completedMs > 0 && now - Math.max(lastAsked(story), story.updatedAt) >= settings.completedMs
      return settings.inProgressMs > 0 && now - lastAsked(story) >= settings.inProgressMs
    })
    .toSorted((a, b) => lastAsked(a) - lastAsked(b) || a.key.localeCompare(b.key))

// How often the sweep looks for due stories: often enough that a story is checked soon after
// it falls due, never more than every minute.
export const sweepPassMs = (settings: SweepSettings): number =>
  Math.max(60_000, Math.min(15 * 60_000, settings.inProgressMs / 4))
