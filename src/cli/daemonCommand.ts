import { Clock, Console, Duration, Effect } from "effect"
import { Command } from "effect/cli"
import { AppConfig } from "../config/AppConfig.ts"
import { Coordinator } from "../coordinator/Coordinator.ts"
import { FanFicFare } from "../fanficfare/FanFicFare.ts"
import { daemonLayer } from "../layers.ts"
import { ImapSource } from "../mail/ImapSource.ts"
import { isAlive } from "../process/alive.ts"
import { healthFileIn, judgeHealth, makeHealthReporter, readHealth } from "../process/daemonHealth.ts"
import { StopControl } from "../process/StopControl.ts"
import { supervise } from "../process/supervise.ts"
import { startWeb } from "../web/startWeb.ts"
import { Watch } from "../watch/Watch.ts"
import { Unhealthy } from "./CliErrors.ts"

// The daemon: the job runner and the mailbox reader, each supervised, their health in the data folder.
export const daemon = Command.make("daemon", {}, () =>
  Effect.gen(function* () {
    const stop = yield* StopControl
    // Until the configuration is read, a signal stops within the default 30 s.
    yield* Effect.sync(() => stop.endCleanly(30))
    yield* Effect.scoped(Effect.gen(function* () {
      const { values: config, dataDir } = yield* AppConfig
      yield* Effect.sync(() => stop.endCleanly(config.process.shutdown_timeout))
      const report = yield* makeHealthReporter(healthFileIn(dataDir))
      const policy = {
        maxRestarts: config.process.auto_restart ? config.process.max_restart_attempts : 0,
        delay: Duration.seconds(config.process.restart_delay),
        healthyAfter: Duration.minutes(5)
      }
      const coordinator = yield* Coordinator
      const source = yield* ImapSource
      yield* startWeb({ mode: "daemon", wake: coordinator.wake })
      // Checked beside the services rather than before them: FanFicFare takes over a second to answer.
      const fanFicFareWorks = Effect.andThen((yield* FanFicFare).version, Effect.never)
      yield* Effect.logInfo("running jobs as they become due; stop with Ctrl-C or SIGTERM")
      const jobs = supervise("jobs", coordinator.run, policy, report)
      if (!source.configured) yield* Effect.logWarning("no [email] server configured: only jobs from `add` run")
      const mail = source.configured ? [supervise("mail", source.run(coordinator.wake), policy, report)] : []
      const watching = supervise("watch", (yield* Watch).run(coordinator.wake), policy, report)
      // Any of them failing for good stops them all.
      return yield* Effect.all([fanFicFareWorks, jobs, watching, ...mail], { concurrency: "unbounded" })
    })).pipe(Effect.provide(daemonLayer()))
  })
).pipe(Command.withDescription("Watch the mailbox and run jobs as they become due, until stopped"))

// For a container HEALTHCHECK or a monitor: exit 0 while the daemon runs and none of its services failed.
export const health = Command.make("health", {}, () =>
  Effect.gen(function* () {
    const { dataDir } = yield* Effect.provide(AppConfig, AppConfig.layer)
    const verdict = judgeHealth(readHealth(healthFileIn(dataDir)), yield* Clock.currentTimeMillis, isAlive)
    for (const line of verdict.lines) yield* Console.log(line)
    if (!verdict.healthy) return yield* new Unhealthy({ message: verdict.running ? "the daemon is unhealthy" : "the daemon is not running" })
  })
).pipe(Command.withDescription("Exit 0 if the daemon runs and its services are up (for health checks)"))
