import { existsSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"

// The checkout or install directory, found from this file whether it runs from src/ or from the
// bundle in dist/. The project's own FanFicFare virtualenv lives there.
export const projectRoot = (): string | undefined => {
  for (let directory = import.meta.dirname; directory !== dirname(directory); directory = dirname(directory)) {
    const manifest = join(directory, "package.json")
    if (existsSync(manifest) && readFileSync(manifest, "utf8").includes("\"name\": \"automated-fanfic\"")) return directory
  }
  return undefined
}
