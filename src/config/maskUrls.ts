// A URL may carry a user name and password (`http://bob:SECRET@host:8080/#lib` as [calibre] path,
// an Apprise-style target). Shown anywhere, its userinfo becomes "<redacted>"; the rest stays, so
// a user can still see which server is meant.

const withUserinfo = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@\s]*@)/i

export const maskUrlCredentials = (text: string): string => text.replace(withUserinfo, (_, scheme: string) => `${scheme}<redacted>@`)
