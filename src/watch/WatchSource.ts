import type { Effect } from "effect"

// One watch source as the scheduler sees it: a name (also its origin in the history), how
// often it runs, and a run that says what it found and which jobs it queued.

export interface SourceFound {
  /** How many stories the run found (import: books new to the store; sweep: stories due). */
  readonly found: number
  /** The jobs it asked for, new or already open; any at all wakes the job runner. */
  readonly jobIds: ReadonlyArray<number>
  /** A feed's validators for its next conditional request. */
  readonly etag?: string | undefined
  /** The feed's Last-Modified, for the same. */
  readonly lastModified?: string | undefined
}

export interface WatchSource {
  /** The source's name: its key in the store and its origin in the history. */
  readonly name: string
  /** 0: only when asked (`watch --now`) or never run before. */
  readonly everyMs: number
  /** Reads the source and queues its jobs; a failure's message becomes the run's recorded error. */
  readonly run: Effect.Effect<SourceFound, { readonly message: string }>
}
