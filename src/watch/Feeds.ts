import { Effect } from "effect"
import type { WatchSource } from "./WatchSource.ts"

// RSS and Atom feeds of story updates (to come).
export const makeFeedSources = (_watch: { readonly feeds: ReadonlyArray<string> }) => Effect.succeed<ReadonlyArray<WatchSource>>([])
