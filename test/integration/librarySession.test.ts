import { beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Option } from "effect"
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Calibre } from "../../src/calibre/Calibre.ts"
import { makeLibrarySession } from "../../src/calibre/LibrarySession.ts"
import { calibreLayer, makeEpub, newLibrary } from "../support/calibreLibrary.ts"
import { startCli, waitUntil } from "../support/cli.ts"
import { calibredbWhenFree, listLibrary, requireRealComponents } from "../support/components.ts"
import { scratchFolder } from "../support/scratch.ts"

// The long-lived calibre worker (scripts/calibre_worker.py) on real libraries, with real calibre:
// calibre's lock, a worker killed or stopped mid-request, the idle release, the daemon's death.
// Live clocks: the worker's idle time and the request timeout are real time.

const scratch = scratchFolder("automated-fanfic-session-")
const calibreEnv = { QTWEBENGINE_DISABLE_SANDBOX: "1" }
let epub = ""

beforeAll(() => {
  requireRealComponents()
  epub = makeEpub(join(scratch, "epubs"), "51.epub", "http://test1.com?sid=51")
}, 120_000)

// One calibredb call, no waiting: "free" or "busy" (another program holds calibre's lock).
const calibredbNow = (library: string) => {
  try {
    execFileSync("calibredb", ["list", "--with-library", library], { stdio: "pipe", env: { ...process.env, ...calibreEnv } })
    return "free"
  } catch (error) {
    if (error instanceof Error && "stderr" in error && String(error.stderr).includes("Another calibre program")) return "busy"
    throw error
  }
}

const workersOf = (library: string) =>
  execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" }).split("\n")
    .filter((line) => line.includes("calibre_worker.py") && line.includes(library) && !line.includes("setpriv"))
    .map((line) => Number(line.trim().split(/\s+/)[0]))

const isGone = (pid: number) => {
  try {
    return /^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, "latin1"))
  } catch {
    return true
  }
}

const listTitles = ["list", "--for-machine", "--fields", "title"]

describe("a library session", () => {
  it.live("holds calibre's lock only while the library is open, and lets go after the idle time", () =>
    Effect.scoped(Effect.gen(function* () {
      const library = newLibrary(join(scratch, "idle"))
      const session = yield* makeLibrarySession({ library, env: calibreEnv, requestTimeout: "60 seconds", idle: "1 second" })
      expect((yield* session.run(listTitles)).stdout).toBe("[]")
      expect(calibredbNow(library)).toBe("busy")
      yield* Effect.sleep("2 seconds")
      expect(calibredbNow(library)).toBe("free")
      // The worker is still there; it only closed the library. The next request opens it again.
      expect((yield* session.run(listTitles)).exitCode).toBe(0)
      expect(session.openings()).toBe(2)
      // How long a calibredb started right after a request waits for the library.
      const started = Date.now()
      calibredbWhenFree(["list", "--with-library", library])
      const waited = (Date.now() - started) / 1000
      console.log(`calibredb started while the session held the library got it after ${waited.toFixed(2)} s (idle time 1 s)`)
      expect(waited).toBeLessThan(8)
    })))

  it.live("answers busy while another program holds the lock, and works once it is free", () =>
    Effect.scoped(Effect.gen(function* () {
      const library = newLibrary(join(scratch, "busy"))
      // calibre's own lock, held the way the calibre app holds it.
      const holder = execFileSync("sh", ["-c", "calibre-debug -c \"from calibre.utils.lock import singleinstance; import time; singleinstance('db') and time.sleep(4)\" >/dev/null 2>&1 & echo $!"], {
        encoding: "utf8", env: { ...process.env, ...calibreEnv }
      }).trim()
      yield* Effect.sleep("1500 millis")
      const session = yield* makeLibrarySession({ library, env: calibreEnv, requestTimeout: "60 seconds", idle: "1 second" })
      expect((yield* session.run(listTitles)).stderr).toContain("Another calibre program")
      yield* Effect.promise(() => waitUntil(() => isGone(Number(holder)), "the lock holder ends", 15_000))
      expect((yield* session.run(listTitles)).stdout).toBe("[]")
    })))

  it.live("sends a request again to a new worker when the worker is killed mid-request", () =>
    Effect.scoped(Effect.gen(function* () {
      const library = newLibrary(join(scratch, "killed-read"))
      const session = yield* makeLibrarySession({ library, env: calibreEnv, requestTimeout: "60 seconds" })
      yield* session.run(listTitles)
      const first = session.pid()
      const request = yield* Effect.forkChild(session.run(listTitles))
      yield* Effect.yieldNow
      if (first !== undefined) process.kill(first, "SIGKILL")
      expect((yield* Fiber.join(request)).stdout).toBe("[]")
      expect(session.pid()).not.toBe(first)
    })))

  it.live("replaces a worker that stops answering after the request timeout", () =>
    Effect.scoped(Effect.gen(function* () {
      const library = newLibrary(join(scratch, "hung"))
      const session = yield* makeLibrarySession({ library, env: calibreEnv, requestTimeout: "3 seconds" })
      yield* session.run(listTitles)
      const hung = session.pid()
      if (hung !== undefined) process.kill(hung, "SIGSTOP")
      const started = Date.now()
      // The stopped worker holds calibre's lock; killing it frees the lock for its successor.
      expect((yield* session.run(listTitles)).stdout).toBe("[]")
      expect((Date.now() - started) / 1000).toBeGreaterThanOrEqual(3)
      expect(session.pid()).not.toBe(hung)
      expect(hung !== undefined && isGone(hung)).toBe(true)
    })))

  it.live("an add whose worker is killed fails cleanly, and the next add leaves one whole book", () =>
    Effect.gen(function* () {
      const library = newLibrary(join(scratch, "killed-add"))
      const url = "http://test1.com?sid=51"
      const failed = yield* Effect.gen(function* () {
        const calibre = yield* Calibre
        expect(yield* calibre.findByUrl(url)).toEqual(Option.none())
        const add = yield* Effect.forkChild(calibre.addStory(url, epub, "4.62.0"))
        yield* Effect.sleep("150 millis")
        for (const pid of workersOf(library)) process.kill(pid, "SIGKILL")
        return yield* Effect.flip(Fiber.join(add))
      }).pipe(Effect.provide(calibreLayer(`[calibre]\npath = "${library}"\n`)))
      expect(failed._tag).toBe("CalibreFailed")
      expect(failed.message).toContain("the calibre worker failed during add")
      const id = yield* Effect.gen(function* () {
        return yield* (yield* Calibre).addStory(url, epub, "4.62.0")
      }).pipe(Effect.provide(calibreLayer(`[calibre]\npath = "${library}"\n`)))
      const books = listLibrary(library)
      expect(books.map((book) => [book.id, book.identifiers["url"], book.formats?.length])).toEqual([[id, url, 1]])
    }))
})

describe("the daemon's death", () => {
  it("takes the worker with it", async () => {
    const library = newLibrary(join(scratch, "daemon"))
    const cli = startCli(["once", "--library", library, "--url", "http://test1.com?sid=52"], {
      env: { FFDL_DATA__DIR: join(scratch, "daemon-data"), TMPDIR: scratch }
    })
    await waitUntil(() => workersOf(library).length > 0, "the calibre worker starts")
    const workers = workersOf(library)
    if (cli.pid !== undefined) process.kill(cli.pid, "SIGKILL")
    await waitUntil(() => workers.every(isGone), "the worker is gone", 5_000)
    expect(calibredbNow(library)).toBe("free")
  })
})
