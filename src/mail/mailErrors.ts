import { Schema } from "effect"

// What can go wrong with the mailbox, each with what to do about it. imapflow reports failures as
// plain Error objects with extra fields; classifyImapError reads those fields (never instanceof).

const where = { server: Schema.String, detail: Schema.String }

export class MailLoginRefused extends Schema.TaggedError<MailLoginRefused>()("MailLoginRefused", { ...where, user: Schema.String }) {
  override get message() {
    return `${this.server} refused the login for "${this.user}" (${this.detail}). Check [email] email and password; ` +
      `Gmail and Outlook need an app password or an OAuth2 access_token.`
  }
}

export class MailboxMissing extends Schema.TaggedError<MailboxMissing>()("MailboxMissing", { ...where, mailbox: Schema.String, existing: Schema.Array(Schema.String) }) {
  override get message() {
    const choices = this.existing.length === 0 ? "" : ` It has: ${this.existing.slice(0, 20).join(", ")}.`
    return `${this.server} has no mailbox "${this.mailbox}" (${this.detail}). Set [email] mailbox to an existing folder.${choices}`
  }
}

export class MailTlsFailed extends Schema.TaggedError<MailTlsFailed>()("MailTlsFailed", { ...where, code: Schema.String }) {
  override get message() {
    const selfSigned = /SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(this.code)
    return `TLS with ${this.server} failed: ${this.detail} (${this.code}). ` +
      (selfSigned
        ? "The server's certificate is not signed by a known authority; if you trust it, set [email] tls_ca_file to its certificate (PEM)."
        : "Check [email] server, port and security (tls on 993, starttls on 143).")
  }
}

// Worth retrying: the server is down, restarting, throttling or the network dropped.
export class MailUnreachable extends Schema.TaggedError<MailUnreachable>()("MailUnreachable", where) {
  override get message() {
    return `cannot use the mailbox at ${this.server}: ${this.detail}. It is tried again with growing pauses; check [email] server and port if this persists.`
  }
}

export class MailNotConfigured extends Schema.TaggedError<MailNotConfigured>()("MailNotConfigured", { detail: Schema.String }) {
  override get message() {
    return `the mailbox is not configured: ${this.detail}`
  }
}

// The mailbox is configured but cannot be used: the README's exit code 3. MailNotConfigured,
// the only other one, is a configuration error (exit 2).
export type MailUnusable = MailLoginRefused | MailboxMissing | MailTlsFailed | MailUnreachable

export type MailError = MailUnusable | MailNotConfigured

const field = (error: unknown, name: string): unknown =>
  typeof error === "object" && error !== null && name in error ? Reflect.get(error, name) : undefined

const text = (value: unknown) => (typeof value === "string" ? value : undefined)

const tlsCodes = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_SSL|ERR_TLS|EPROTO|HOSTNAME/

export const classifyImapError = (error: unknown, context: { readonly server: string; readonly user: string; readonly mailbox: string }): MailError => {
  const { server, user, mailbox } = context
  const code = text(field(error, "code")) ?? ""
  const responseCode = text(field(error, "serverResponseCode")) ?? ""
  const detail = text(field(error, "responseText")) ?? (error instanceof Error ? error.message : String(error))
  if (field(error, "authenticationFailed") === true && responseCode !== "LIMIT" && responseCode !== "UNAVAILABLE") {
    return new MailLoginRefused({ server, user, detail })
  }
  if (field(error, "mailboxMissing") === true || code === "NotFound" || responseCode === "NONEXISTENT") {
    return new MailboxMissing({ server, mailbox, detail, existing: [] })
  }
  if (field(error, "tlsFailed") === true || tlsCodes.test(code)) return new MailTlsFailed({ server, detail, code: code || "TLS" })
  return new MailUnreachable({ server, detail: code !== "" && !detail.includes(code) ? `${detail} (${code})` : detail })
}
