import { existsSync } from "node:fs"
import { createServer, type RequestListener, type Server } from "node:http"
import { DatabaseSync } from "node:sqlite"
import { storeFile } from "../../src/config/dataDir.ts"

// For tests of the watch sources: pages and feeds on a loopback HTTP server, and the history
// lines of one kind, read straight from the store file.

export interface LocalSite {
  readonly base: string
  close(): void
}

export const serveLocally = (handler: RequestListener) =>
  new Promise<LocalSite>((resolve) => {
    const server: Server = createServer(handler)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resolve({ base: `http://127.0.0.1:${port}`, close: () => void server.close() })
    })
  })

// "<story key> <detail>" for each history line of this kind, oldest first (none before the
// store exists and has its tables: a starting daemon links the file into place, then migrates it).
export const historyLines = (dataDir: string, kind: string): ReadonlyArray<string> => {
  if (!existsSync(storeFile(dataDir))) return []
  // The busy timeout: the daemon's switch to WAL briefly locks even readers out.
  const db = new DatabaseSync(storeFile(dataDir), { readOnly: true, timeout: 5000 })
  try {
    const migrated = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get() !== undefined
    if (!migrated) return []
    return db.prepare("SELECT story_key, detail FROM events WHERE kind = ? ORDER BY id").all(kind).map((row) => `${String(row["story_key"])} ${String(row["detail"])}`)
  } finally {
    db.close()
  }
}
