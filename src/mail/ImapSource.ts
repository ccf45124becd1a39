import { Clock, Context, Duration, Effect, Layer, Predicate, Queue, Redacted, Schedule } from "effect"
import { cappedExponential } from "../jobs/backoff.ts"
import { AppConfig } from "../config/AppConfig.ts"
import { Notifier } from "../notify/Notifier.ts"
import { CommandRunner } from "../process/CommandRunner.ts"
import { Sites } from "../sites/Sites.ts"
import type { SitesUnavailable } from "../sites/fanFicFareSites.ts"
import { Store, type StoreError } from "../store/Store.ts"
import { type CatchUpSummary, makeCatchUp } from "./catchUp.ts"
import { MailLoginRefused, type MailError, MailUnreachable } from "./mailErrors.ts"
import { type EmailSettings, mailConfigured, openSession, serverName } from "./mailSession.ts"

// The mailbox as the product's input. `checkOnce` reads it a single time (for `once`); `run`
// watches it for good: IDLE where the server pushes, a check every sleep_time regardless (it
// also flags on_success mail), and after any drop a new connection with growing pauses.

type IntakeError = MailError | SitesUnavailable | StoreError

// After a drop: 1 s, 2 s, 4 s … never more than two minutes apart, jittered so that many clients
// do not return at once.
const reconnectSchedule = cappedExponential(Duration.seconds(1), Duration.minutes(2)).pipe(Schedule.jittered)

const healthySessionMs = 30_000

export class ImapSource extends Context.Service<ImapSource, {
  /** Whether [email] names a server and an account; without them there is no mailbox to read. */
  readonly configured: boolean
  /** Reads the mailbox a single time (`once`). */
  readonly checkOnce: Effect.Effect<CatchUpSummary, IntakeError>
  /** Runs until interrupted; fails only when the very first connection fails for a reason no retry can fix. */
  run(afterCommit: Effect.Effect<void>): Effect.Effect<never, IntakeError>
}>()("automated-fanfic/mail/ImapSource") {
  static readonly layer = Layer.effect(
    ImapSource,
    Effect.gen(function* () {
      const config = (yield* AppConfig).values
      const email: EmailSettings = config.email
      const store = yield* Store
      const sites = yield* Sites
      const notifier = yield* Notifier
      const runner = yield* CommandRunner
      const rules = { disabledSites: email.disabled_sites, markRead: email.mark_read }
      const server = serverName(email)

      // A token command runs at every connection: access tokens expire within the hour.
      const secret = Effect.gen(function* () {
        if (email.access_token_command !== "") {
          const result = yield* runner.run({ command: "/bin/sh", args: ["-c", email.access_token_command], timeout: "30 seconds" }).pipe(
            Effect.mapError((error) => new MailLoginRefused({ server, user: email.email, detail: `[email] access_token_command: ${error.message}` }))
          )
          const token = result.stdout.trim()
          if (result.exitCode !== 0 || token === "") {
            return yield* new MailLoginRefused({ server, user: email.email, detail: `[email] access_token_command exited ${result.exitCode} ${token === "" ? "without printing a token" : ""}: ${result.stderr.trim().slice(-200)}` })
          }
          return { accessToken: token }
        }
        const token = Redacted.value(email.access_token)
        return token === "" ? { pass: Redacted.value(email.password) } : { accessToken: token }
      })

      const catchUp = (afterCommit: Effect.Effect<void>) => makeCatchUp(store, sites, notifier, rules, afterCommit)

      const checkOnce = Effect.scoped(Effect.gen(function* () {
        const session = yield* openSession(email, secret)
        return yield* catchUp(Effect.void)(session)
      }))

      // Ends quietly when a session that worked for a while is lost, so the next one starts with a
      // fresh backoff; fails (and is retried with growing pauses) when it cannot connect or drops at once.
      const watch = (afterCommit: Effect.Effect<void>, connected: () => void) =>
        Effect.scoped(Effect.gen(function* () {
          const session = yield* openSession(email, secret)
          connected()
          const since = yield* Clock.currentTimeMillis
          yield* Effect.logInfo(`watching ${email.mailbox} on ${server}: ${session.canIdle ? "the server pushes new mail (IDLE)" : "the server cannot push (no IDLE)"}; also checking every ${email.sleep_time} s`)
          const handle = catchUp(afterCommit)
          const loop = Effect.gen(function* () {
            for (;;) {
              yield* handle(session)
              const signal = yield* Effect.raceFirst(Queue.take(session.signals), Effect.as(Effect.sleep(Duration.seconds(email.sleep_time)), "timer"))
              yield* Queue.clear(session.signals)
              if (signal === "closed" || !session.client.usable) {
                return yield* new MailUnreachable({ server, detail: `the connection closed (${session.closeReason()})` })
              }
            }
          })
          return yield* loop.pipe(
            Effect.catch((error) =>
              Effect.gen(function* () {
                const lasted = (yield* Clock.currentTimeMillis) - since
                if (lasted < healthySessionMs) return yield* Effect.fail(error)
                yield* Effect.logWarning(`${error.message}; reconnecting`)
              }))
          )
        }))

      const run = (afterCommit: Effect.Effect<void>) =>
        Effect.gen(function* () {
          let everConnected = false
          // A wrong password or a missing mailbox at start-up stops the program; once it has
          // worked, every failure is retried (the server may be mid-maintenance).
          const retryable = (error: IntakeError) => everConnected || Predicate.isTagged(error, "MailUnreachable")
          const connectAndWatch = watch(afterCommit, () => {
            everConnected = true
          }).pipe(
            Effect.tapError((error) => (retryable(error) ? Effect.logWarning(error.message) : Effect.void)),
            Effect.retry({ schedule: reconnectSchedule, while: retryable })
          )
          return yield* Effect.forever(connectAndWatch)
        })

      return ImapSource.of({ configured: mailConfigured(email), checkOnce, run })
    })
  ).pipe(Layer.provide(CommandRunner.layer))
}
