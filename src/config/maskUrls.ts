import { Redacted } from "effect"

// A URL may carry a user name and password (`http://bob:SECRET@host:8080/#lib` as [calibre] path,
// an Apprise-style target). Shown anywhere, its userinfo becomes "<redacted>"; the rest stays, so
// a user can still see which server is meant.

const withUserinfo = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@\s]*@)/i

export const maskUrlCredentials = (text: string): string => text.replace(withUserinfo, (_, scheme: string) => `${scheme}<redacted>@`)

// Every string in a configuration value, walked as renderConfig's maskedConfig walks it; Redacted
// values are left for that to mask.
export const maskConfigUrls = (value: unknown): unknown => {
  if (typeof value === "string") return maskUrlCredentials(value)
  if (Array.isArray(value)) return value.map(maskConfigUrls)
  if (typeof value === "object" && value !== null && !Redacted.isRedacted(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, maskConfigUrls(field)]))
  }
  return value
}
