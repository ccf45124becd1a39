import { homedir } from "node:os"
import { dirname, join } from "node:path"
import type { ConfigFile } from "./ConfigSchema.ts"

// Where the job store lives: [data] dir, else the folder of AutomatedFanfic's
// web.history_db_path (so an existing /data volume keeps working), else the XDG data folder.
export const dataDirectory = (values: ConfigFile, environment: Readonly<Record<string, string | undefined>>): string => {
  if (values.data.dir !== "") return values.data.dir
  if (values.web.history_db_path !== "") return dirname(values.web.history_db_path)
  const base = environment["XDG_DATA_HOME"] ?? join(environment["HOME"] ?? homedir(), ".local", "share")
  return join(base, "automated-fanfic")
}

export const storeFile = (directory: string) => join(directory, "automated-fanfic.db")
