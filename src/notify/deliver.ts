import { Duration, Effect, FileSystem, Schema } from "effect"
import { HttpBody, HttpClient, HttpClientError, HttpClientRequest, HttpMethod } from "effect/http"
import type { CommandRunner } from "../process/CommandRunner.ts"
import { appriseFolderPrefix, scopedSecretFile } from "../process/tempFolders.ts"
import { type Endpoints, type HttpCall, httpCalls } from "./httpCalls.ts"
import { mailTransport } from "./mailTransport.ts"
import type { Message } from "./Notification.ts"
import type { Target } from "./targets.ts"

// Sends one message to one target, once. Retries, timeouts between tries and history belong to
// the Notifier. Error texts name the target by its label and never carry a token.

export class DeliveryFailed extends Schema.TaggedError<DeliveryFailed>()("DeliveryFailed", {
  target: Schema.String,
  reason: Schema.String,
  // False when trying again cannot help (a refused token, a missing device, no apprise program).
  retryable: Schema.Boolean
}) {
  override get message() {
    return `notification to ${this.target} failed: ${this.reason}`
  }
}

interface DeliveryOptions {
  /** The services' API addresses ([notifications] *_api; tests point them at local stand-ins). */
  readonly endpoints: Endpoints
  /** How long one request may take. */
  readonly timeoutMs: number
  /** Starts the apprise program for the schemes only it speaks. */
  readonly runner: CommandRunner["Service"]
  /** The Apprise program (tests name one that does not exist). */
  readonly apprise?: string
}

const PushbulletDevices = Schema.Struct({
  devices: Schema.Array(Schema.Struct({
    iden: Schema.String,
    nickname: Schema.optionalKey(Schema.String),
    active: Schema.optionalKey(Schema.Boolean),
    pushable: Schema.optionalKey(Schema.Boolean)
  }))
})
const decodeDevices = Schema.decodeUnknownEffect(Schema.fromJsonString(PushbulletDevices))

const describeError = (error: unknown): string => {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : ""
  return error instanceof Error ? `${error.name === "TimeoutError" ? "no answer in time" : error.message}${cause}` : String(error)
}

// The client's own message names the URL, which may hold a token (Telegram, Discord): only what
// went wrong underneath is told, as fetch words it ("fetch failed: connect ECONNREFUSED …").
const describeClientError = (error: HttpClientError.HttpClientError) => {
  const reason = error.reason
  return reason.cause !== undefined ? describeError(reason.cause) : reason.description ?? reason._tag
}

const withBody = (call: HttpCall) => (request: HttpClientRequest.HttpClientRequest) =>
  call.method === "GET" ? request
    : HttpClientRequest.setBody(request, HttpBody.text(call.body, call.headers["content-type"] ?? "text/plain;charset=UTF-8"))

export const makeDelivery = Effect.fnUntraced(function* (options: DeliveryOptions) {
  const client = yield* HttpClient.HttpClient
  const fs = yield* FileSystem.FileSystem
  const post = (label: string, call: HttpCall) => {
    const failed = (reason: string, retryable: boolean) => new DeliveryFailed({ target: label, reason, retryable })
    if (!HttpMethod.isHttpMethod(call.method)) return Effect.fail(failed(`${call.method} is not an HTTP method`, false))
    const request = HttpClientRequest.make(call.method)(call.url).pipe(withBody(call), HttpClientRequest.setHeaders(call.headers))
    return client.execute(request).pipe(
      Effect.flatMap((response) => Effect.map(response.text, (text) => ({ status: response.status, text }))),
      // No span and no traceparent header: these are other people's services, and their URLs hold tokens.
      Effect.provideService(HttpClient.TracerDisabledWhen, () => true),
      Effect.mapError((error) => failed(describeClientError(error), true)),
      Effect.timeoutOrElse({ duration: Duration.millis(options.timeoutMs), orElse: () => Effect.fail(failed("no answer in time", true)) }),
      Effect.flatMap((response) => {
        if (response.status >= 200 && response.status < 300) return Effect.succeed(response.text)
        const retryable = response.status >= 500 || response.status === 408 || response.status === 429
        return Effect.fail(failed(`HTTP ${response.status} ${response.text.slice(0, 200).trim()}`, retryable))
      })
    )
  }

  const pushbulletDevices = (target: Extract<Target, { readonly _tag: "Pushbullet" }>) =>
    Effect.gen(function* () {
      if (target.deviceNickname === undefined) return []
      const nickname = target.deviceNickname
      const text = yield* post(target.label, { method: "GET", url: `${options.endpoints.pushbullet}/v2/devices`, headers: { "access-token": target.token }, body: "" })
      const { devices } = yield* decodeDevices(text).pipe(
        Effect.mapError((error) => new DeliveryFailed({ target: target.label, reason: `unreadable device list: ${error.message}`, retryable: true }))
      )
      // As AutomatedFanfic: the first active, pushable device with that nickname, else every device.
      const match = devices.find((device) => device.active !== false && device.pushable !== false && device.nickname === nickname)
      if (match === undefined) {
        const known = devices.flatMap((device) => (device.nickname === undefined ? [] : [device.nickname])).join(", ")
        yield* Effect.logWarning(`no Pushbullet device is named "${nickname}" (devices: ${known || "none"}); sending to all devices. Fix [pushbullet] device.`)
        return []
      }
      return [match.iden]
    })

  const viaApprise = (target: Extract<Target, { readonly _tag: "Apprise" }>, message: Message, dryRun = false) =>
    Effect.scoped(Effect.gen(function* () {
      // The URL holds secrets: it goes to apprise in a private file, not on its command line.
      const file = yield* Effect.orDie(scopedSecretFile(fs, appriseFolderPrefix, "apprise.txt", `${target.url}\n`))
      return yield* options.runner.run({
        command: options.apprise ?? "apprise",
        args: [...(dryRun ? ["--dry-run"] : []), "-t", message.title, "-b", message.body, "-c", file],
        timeout: `${options.timeoutMs} millis`
      }).pipe(
        Effect.mapError((error) =>
          error._tag === "CommandNotFound"
            ? new DeliveryFailed({ target: target.label, reason: "this scheme needs the apprise program, which is not installed (apt-get install apprise, or pip install apprise)", retryable: false })
            : new DeliveryFailed({ target: target.label, reason: error.message, retryable: true })),
        Effect.flatMap((result) =>
          result.exitCode === 0 ? Effect.void
            : dryRun ? Effect.fail(new DeliveryFailed({ target: target.label, reason: "apprise does not recognise this URL", retryable: false }))
            // Its messages may quote the URL, secrets and all, so only the exit code is passed on.
            : Effect.fail(new DeliveryFailed({ target: target.label, reason: `apprise could not deliver (exit ${result.exitCode})`, retryable: true })))
      )
    }))

  const viaMail = (target: Extract<Target, { readonly _tag: "Mail" }>, message: Message) =>
    Effect.tryPromise({
      // nodemailer is loaded with the first mail sent, not at start-up.
      try: async () => (await import("nodemailer")).createTransport(mailTransport(target.mail, options.timeoutMs)).sendMail({
        from: target.mail.fromName === undefined ? target.mail.from : { name: target.mail.fromName, address: target.mail.from },
        to: [...target.mail.to],
        subject: message.title,
        text: message.body
      }),
      catch: (error) => {
        const code = typeof error === "object" && error !== null && "responseCode" in error && typeof error.responseCode === "number" ? error.responseCode : 0
        // A refused login (535) or a permanent refusal (5xx) will not change by trying again.
        return new DeliveryFailed({ target: target.label, reason: describeError(error), retryable: code < 500 })
      }
    }).pipe(Effect.asVoid)

  // For check-config: can this target be used at all? Only apprise's targets can be asked without sending.
  const usable = (target: Target): Effect.Effect<void, DeliveryFailed> =>
    target._tag === "Apprise" ? viaApprise(target, { title: "check", body: "check" }, true) : Effect.void

  const send = (target: Target, message: Message): Effect.Effect<void, DeliveryFailed> => {
    switch (target._tag) {
      case "Apprise":
        return viaApprise(target, message)
      case "Mail":
        return viaMail(target, message)
      case "Pushbullet":
        return Effect.flatMap(pushbulletDevices(target), (idens) =>
          Effect.forEach(httpCalls(target, message, options.endpoints, idens), (call) => post(target.label, call), { discard: true }))
      default:
        return Effect.forEach(httpCalls(target, message, options.endpoints), (call) => post(target.label, call), { discard: true })
    }
  }
  return { send, usable }
})
