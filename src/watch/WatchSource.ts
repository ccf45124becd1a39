import type { Effect } from "effect"

// One watch source as the scheduler sees it: a name (also its origin in the history), how
// often it runs, and a run that says what it found and which jobs it queued.

export interface SourceFound {
  readonly found: number
  readonly jobIds: ReadonlyArray<number>
  // A feed's validators for its next conditional request.
  readonly etag?: string | undefined
  readonly lastModified?: string | undefined
}

export interface WatchSource {
  readonly name: string
  // 0: only when asked (`watch --now`) or never run before.
  readonly everyMs: number
  readonly run: Effect.Effect<SourceFound, { readonly message: string }>
}
