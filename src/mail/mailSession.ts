import { Duration, Effect, Queue, type Scope } from "effect"
import type { ImapFlow, ImapFlowOptions } from "imapflow"
import { readFileSync } from "node:fs"
import type { ConfigFile } from "../config/ConfigSchema.ts"
import { classifyImapError, MailboxMissing, type MailError, MailNotConfigured, MailTlsFailed, MailUnreachable } from "./mailErrors.ts"

// One connection to the mailbox: logged in, the mailbox selected, every imapflow event turned
// into a signal on a queue. imapflow never reconnects; ImapSource opens a new session instead.

export type EmailSettings = ConfigFile["email"]

type MailSignal = "new-mail" | "closed"

export interface MailSession {
  readonly client: ImapFlow
  readonly server: string
  readonly mailbox: string
  readonly uidValidity: number
  readonly canIdle: boolean
  readonly signals: Queue.Queue<MailSignal>
  // Why the connection ended, once it has.
  readonly closeReason: () => string
}

export const serverName = (email: EmailSettings) => `${email.server}:${portOf(email)}`
const portOf = (email: EmailSettings) => email.port ?? (email.security === "tls" ? 993 : 143)

export const mailConfigured = (email: EmailSettings) => email.server !== ""

const certificateAuthority = (email: EmailSettings) =>
  Effect.try({
    try: () => (email.tls_ca_file === "" ? undefined : [readFileSync(email.tls_ca_file)]),
    catch: (error) => new MailTlsFailed({ server: serverName(email), detail: `cannot read [email] tls_ca_file: ${String(error)}`, code: "CA_FILE" })
  })

const clientOptions = (email: EmailSettings, secret: { readonly pass: string } | { readonly accessToken: string }, ca: ReadonlyArray<Buffer> | undefined): ImapFlowOptions => ({
  host: email.server,
  port: portOf(email),
  secure: email.security === "tls",
  // "plain" must stay plain even when the server offers STARTTLS; "starttls" must upgrade or fail.
  doSTARTTLS: email.security === "starttls" ? true : email.security === "plain" ? false : undefined,
  auth: { user: email.email, ...secret },
  ...(ca === undefined ? {} : { tls: { ca: [...ca] } }),
  logger: false,
  // Dovecot and Gmail confirm an idle connection every few minutes; silence longer than this is a dead link.
  socketTimeout: 180_000,
  maxIdleTime: 300_000,
  autoIdleDelay: 300,
  connectionTimeout: 30_000
})

export const openSession = (
  email: EmailSettings,
  secret: Effect.Effect<{ readonly pass: string } | { readonly accessToken: string }, MailError>
): Effect.Effect<MailSession, MailError, Scope.Scope> =>
  Effect.gen(function* () {
    if (!mailConfigured(email)) return yield* new MailNotConfigured({ detail: "[email] server is empty" })
    const context = { server: serverName(email), user: email.email, mailbox: email.mailbox }
    const options = clientOptions(email, yield* secret, yield* certificateAuthority(email))
    const signals = yield* Queue.sliding<MailSignal>(4)
    let lastError = ""
    const client = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => {
          // Loaded when first needed: a daemon without a mailbox never pays for it (bench/startup.ts).
          const { ImapFlow } = await import("imapflow")
          const client = new ImapFlow(options)
          // Without an 'error' listener a connection reset would crash the whole process.
          client.on("error", (error) => {
            lastError = error.message
          })
          client.on("exists", () => Queue.offerUnsafe(signals, "new-mail"))
          client.on("close", () => Queue.offerUnsafe(signals, "closed"))
          try {
            await client.connect()
          } catch (error) {
            client.close()
            throw error
          }
          return client
        },
        catch: (error) => classifyImapError(error, context)
      }),
      (client) =>
        Effect.promise(() => (client.usable ? client.logout() : Promise.resolve())).pipe(
          Effect.timeoutOrElse({ duration: Duration.seconds(3), orElse: () => Effect.void }),
          Effect.ensuring(Effect.sync(() => client.close()))
        )
    )
    const mailbox = yield* Effect.tryPromise({
      try: () => client.mailboxOpen(email.mailbox),
      catch: (error) => classifyImapError(error, context)
    }).pipe(
      Effect.catchTag("MailboxMissing", (missing) =>
        Effect.tryPromise(() => client.list()).pipe(
          Effect.map((boxes) => boxes.map((box) => box.path)),
          Effect.orElseSucceed((): ReadonlyArray<string> => []),
          Effect.flatMap((existing) => Effect.fail(new MailboxMissing({ ...missing, existing })))
        ))
    )
    return {
      client,
      server: context.server,
      mailbox: email.mailbox,
      uidValidity: Number(mailbox.uidValidity),
      canIdle: client.capabilities.has("IDLE"),
      signals,
      closeReason: () => [client.byeReason === undefined ? "" : `server said: ${client.byeReason}`, lastError].filter((part) => part !== "").join("; ") || "the connection closed"
    }
  })

// A command on an open session; a failure there means the connection is no longer usable.
export const command = <A>(session: MailSession, what: string, run: (client: ImapFlow) => Promise<A>) =>
  Effect.tryPromise({
    try: () => run(session.client),
    catch: (error) => new MailUnreachable({ server: session.server, detail: `${what} failed: ${error instanceof Error ? error.message : String(error)}` })
  })
