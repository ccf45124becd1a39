import { readdirSync, readFileSync } from "node:fs"

// The dashboard's files (src/web/dashboard/) when running from source: `node src/main.ts` and the
// tests. `#dashboard-files` names this module; the bundle resolves it to dashboardFiles.bundle.js
// instead, which carries the same files inside dist/.
const folder = new URL("./dashboard/", import.meta.url)

export const dashboardFiles: Readonly<Record<string, string>> = Object.fromEntries(
  readdirSync(folder).filter((name) => /\.(?:html|css|js)$/.test(name)).map((name) => [name, readFileSync(new URL(name, folder), "utf8")])
)
