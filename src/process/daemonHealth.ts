import { Clock, Duration, Effect, Schema } from "effect"
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { ServiceHealth } from "./supervise.ts"

// The daemon's health, where `status`, `health` and a container's HEALTHCHECK can read it: a
// small JSON file in the data folder, rewritten on every change and every half minute.

const ServiceHealthSchema = Schema.Struct({
  name: Schema.String,
  state: Schema.Literals(["up", "restarting", "failed"]),
  restarts: Schema.Int,
  lastError: Schema.NullOr(Schema.String),
  since: Schema.Number
})
const DaemonHealth = Schema.Struct({ pid: Schema.Int, startedAt: Schema.Number, updatedAt: Schema.Number, services: Schema.Array(ServiceHealthSchema) })
export type DaemonHealth = typeof DaemonHealth.Type
const decodeHealth = Schema.decodeUnknownOption(Schema.fromJsonString(DaemonHealth))

export const healthFileIn = (dataDir: string) => join(dataDir, "daemon-health.json")
const heartbeat = Duration.seconds(30)
// Three missed heartbeats: the daemon is hung or gone.
const staleAfterMs = 3 * Duration.toMillis(heartbeat)

export const makeHealthReporter = Effect.fnUntraced(function* (file: string) {
  const startedAt = yield* Clock.currentTimeMillis
  const services = new Map<string, ServiceHealth>()
  const write = Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.sync(() => {
      const health: DaemonHealth = { pid: process.pid, startedAt, updatedAt: now, services: [...services.values()] }
      writeFileSync(`${file}.tmp`, JSON.stringify(health))
      renameSync(`${file}.tmp`, file)
    }).pipe(Effect.catchDefect((error) => Effect.logWarning(`cannot write ${file}: ${String(error)}`))))
  yield* Effect.forkScoped(Effect.forever(Effect.andThen(write, Effect.sleep(heartbeat))))
  yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(file, { force: true })))
  return (health: ServiceHealth) => Effect.andThen(Effect.sync(() => void services.set(health.name, health)), write)
})

export const readHealth = (file: string): DaemonHealth | undefined => {
  try {
    const health = decodeHealth(readFileSync(file, "utf8"))
    return health._tag === "Some" ? health.value : undefined
  } catch {
    return undefined
  }
}

interface HealthVerdict {
  readonly running: boolean
  readonly healthy: boolean
  readonly lines: ReadonlyArray<string>
}

const when = (at: number) => new Date(at).toISOString().replace("T", " ").slice(0, 19)

// Pure: what the file says, given the time and whether its process still exists.
export const judgeHealth = (health: DaemonHealth | undefined, now: number, isAlive: (pid: number) => boolean): HealthVerdict => {
  if (health === undefined || !isAlive(health.pid)) return { running: false, healthy: false, lines: ["daemon: not running"] }
  if (now - health.updatedAt > staleAfterMs) {
    return { running: true, healthy: false, lines: [`daemon: pid ${health.pid} has not reported since ${when(health.updatedAt)} (hung?)`] }
  }
  const lines = [`daemon: pid ${health.pid}, running since ${when(health.startedAt)}`]
  for (const service of health.services) {
    const restarts = service.restarts === 0 ? "" : `, ${service.restarts} restart${service.restarts === 1 ? "" : "s"}`
    lines.push(`  ${service.name.padEnd(6)} ${service.state} since ${when(service.since)}${restarts}${service.lastError === null ? "" : `; last error: ${service.lastError}`}`)
  }
  return { running: true, healthy: health.services.every((service) => service.state !== "failed"), lines }
}
