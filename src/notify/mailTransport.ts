import { Schema } from "effect"
import wellKnownServices from "nodemailer/lib/well-known/services.json" with { type: "json" }
import type { MailSettings } from "./targets.ts"

// SMTP settings for a mailto:// target, as Apprise derives them: ?smtp= wins, then the provider
// nodemailer knows for the domain (gmail.com → smtp.gmail.com), then the domain itself.
// mailtos:// requires encryption (STARTTLS, or TLS from the start with ?mode=ssl or port 465).

const KnownServices = Schema.Record(Schema.String, Schema.Struct({
  domains: Schema.optionalKey(Schema.Array(Schema.String)),
  host: Schema.optionalKey(Schema.String),
  port: Schema.optionalKey(Schema.Union([Schema.Number, Schema.NumberFromString])),
  secure: Schema.optionalKey(Schema.Boolean)
}))
const knownServices = Object.values(Schema.decodeUnknownSync(KnownServices)(wellKnownServices))

const knownByDomain = (domain: string) => knownServices.find((service) => service.domains?.includes(domain.toLowerCase()) === true)

export const mailTransport = (mail: MailSettings, timeoutMs: number) => {
  const known = mail.smtpHost === "" ? knownByDomain(mail.domain) : undefined
  const host = mail.smtpHost !== "" ? mail.smtpHost : known?.host ?? mail.domain
  const implicitTls = mail.mode === "ssl" || (mail.mode === undefined && (mail.port === 465 || (mail.port === undefined && known?.secure === true)))
  const port = mail.port ?? known?.port ?? (implicitTls ? 465 : mail.secure ? 587 : 25)
  return {
    host,
    port,
    secure: implicitTls,
    requireTLS: mail.secure && !implicitTls,
    ...(mail.user === "" ? {} : { auth: { user: mail.user, pass: mail.password } }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs
  }
}
