import { join } from "node:path"

export const repoRoot = join(import.meta.dirname, "..", "..")
export const fixturesDir = join(repoRoot, "test", "fixtures")
// Every key of AutomatedFanfic's config.toml with its documented default (our own file).
export const anchorConfigPath = join(fixturesDir, "anchor-config", "config.toml")
// Recorded FanFicFare runs: argv, stdout, stderr and exit code of each case.
export const fanficfareSamplesDir = join(fixturesDir, "fanficfare-samples")
// Every FanFicFare adapter's example links with FanFicFare's reading of each (generate.py beside it).
export const fanficfareAdaptersPath = join(fixturesDir, "fanficfare-adapters", "adapters.json")
