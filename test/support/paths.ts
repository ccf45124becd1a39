import { join } from "node:path"

export const repoRoot = join(import.meta.dirname, "..", "..")
export const sharedDir = join(repoRoot, "..", "shared")
export const anchorConfigPath = join(sharedDir, "fixtures", "anchor-config", "config.toml")
export const fanficfareSamplesDir = join(sharedDir, "reference", "fanficfare-samples")
