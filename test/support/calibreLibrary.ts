import { NodeServices } from "@effect/platform-node"
import { Layer } from "effect"
import { execFileSync, spawn, type ChildProcess } from "node:child_process"
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { Calibre } from "../../src/calibre/Calibre.ts"
import { AppConfig } from "../../src/config/AppConfig.ts"
import { calibredbWhenFree } from "./components.ts"
import { repoRoot } from "./paths.ts"

// Real Calibre libraries, EPUBs from the real FanFicFare, and a real calibre-server, for tests.

const env = { ...process.env, QTWEBENGINE_DISABLE_SANDBOX: "1" }

export const calibredb = (...args: ReadonlyArray<string>) => calibredbWhenFree(args)

export const calibreLayer = (toml: string) =>
  Calibre.layer({ createLibrary: false }).pipe(Layer.provideMerge(AppConfig.layerFromText(toml)), Layer.provideMerge(NodeServices.layer))

// A FanFicFare EPUB of a test1.com story, written to `path`.
export const makeEpub = (directory: string, name: string, storyUrl: string, iniFile?: string) => {
  mkdirSync(directory, { recursive: true })
  execFileSync(join(repoRoot, ".venv", "bin", "fanficfare"), [
    "--non-interactive", ...(iniFile === undefined ? [] : ["-c", iniFile]), "-o", `output_filename=${name}`, "--", storyUrl
  ], { cwd: directory, env: { ...process.env, HOME: directory }, stdio: "ignore" })
  return join(directory, name)
}

export const newLibrary = (path: string) => {
  calibredb("list", "--with-library", path)
  calibredb("add_custom_column", "--with-library", path, "readstatus", "Read Status", "text")
  calibredb("add_custom_column", "--with-library", path, "ships", "Ships", "text", "--is-multiple")
  return path
}

export const record = (library: string, id: number): Record<string, unknown> | undefined =>
  JSON.parse(calibredb("list", "--with-library", library, "--for-machine", "--fields", "title,identifiers,tags,rating,timestamp,*readstatus,*ships,formats,size", "-s", `id:${id}`))[0]

export const bookIds = (library: string): ReadonlyArray<number> =>
  JSON.parse(calibredb("list", "--with-library", library, "--for-machine")).map((book: { id: number }) => book.id)

export interface RunningServer {
  readonly url: string
  stop(): Promise<void>
}

// calibre-server on 127.0.0.1 only (no fallback to another interface, no Bonjour), with a
// user database holding a writer and a read-only user.
export const startContentServer = async (library: string, userdb: string): Promise<RunningServer> => {
  execFileSync("calibre-server", ["--userdb", userdb, "--manage-users", "--", "add", "writer", "writer-pass"], { env, stdio: "ignore" })
  execFileSync("calibre-server", ["--userdb", userdb, "--manage-users", "--", "add", "--readonly", "reader"], { env, input: "reader-pass", stdio: ["pipe", "ignore", "ignore"] })
  const port = 20_000 + Math.floor(Math.random() * 20_000)
  const child: ChildProcess = spawn("calibre-server", [
    "--port", String(port), "--listen-on", "127.0.0.1", "--disable-fallback-to-detected-interface", "--disable-use-bonjour",
    "--enable-auth", "--userdb", userdb, library
  ], { env, stdio: "ignore" })
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; attempt < 100; attempt++) {
    const up = await fetch(url).then(() => true, () => false)
    if (up) break
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve())
        child.kill("SIGTERM")
      })
  }
}
