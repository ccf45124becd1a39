import { Effect } from "effect"
import type { WatchSource } from "./WatchSource.ts"

// Reading lists read with FanFicFare's --list (to come).
export const makeListSources = (_watch: object) => Effect.succeed<ReadonlyArray<WatchSource>>([])
