// Notification targets as Apprise URLs name them (the `[apprise] urls` users already have), parsed
// without sending anything. Pure. Each target knows a label that is safe to log: tokens,
// passwords and topics never appear in it.

export type Target =
  | { readonly _tag: "Pushbullet"; readonly label: string; readonly token: string; readonly devices: ReadonlyArray<string>; readonly channels: ReadonlyArray<string>; readonly emails: ReadonlyArray<string>; readonly deviceNickname?: string }
  | { readonly _tag: "Discord"; readonly label: string; readonly webhookId: string; readonly webhookToken: string; readonly botName?: string }
  | { readonly _tag: "Ntfy"; readonly label: string; readonly base: string; readonly topics: ReadonlyArray<string>; readonly auth?: Auth; readonly priority?: string; readonly tags?: string }
  | { readonly _tag: "Gotify"; readonly label: string; readonly base: string; readonly token: string; readonly priority: number }
  | { readonly _tag: "Telegram"; readonly label: string; readonly botToken: string; readonly chatIds: ReadonlyArray<string> }
  | { readonly _tag: "Json"; readonly label: string; readonly url: string; readonly method: string; readonly auth?: Auth; readonly headers: Readonly<Record<string, string>> }
  | { readonly _tag: "Mail"; readonly label: string; readonly mail: MailSettings }
  // Any other scheme: handed to the `apprise` program when it is installed.
  | { readonly _tag: "Apprise"; readonly label: string; readonly url: string }

export type Auth = { readonly _tag: "Basic"; readonly user: string; readonly password: string } | { readonly _tag: "Bearer"; readonly token: string }

export interface MailSettings {
  /** The SMTP login (the URL's user); empty: send without logging in. */
  readonly user: string
  /** The SMTP password; empty when the URL has none. */
  readonly password: string
  /** The mail domain (the URL's host); finds the SMTP server when smtpHost is empty. */
  readonly domain: string
  /** Empty: found from the domain (well-known providers) or the domain itself. */
  readonly smtpHost: string
  /** The URL's port; undefined: the known provider's, else 465, 587 or 25 by the TLS mode. */
  readonly port?: number
  /** mailtos://: TLS is required (STARTTLS when the connection is not implicit TLS). */
  readonly secure: boolean
  /** ?mode=: ssl for implicit TLS, starttls to upgrade; undefined: decided by the port or the known provider. */
  readonly mode?: "ssl" | "starttls"
  /** Recipients (?to= and address path segments); the user's own address when none is given. */
  readonly to: ReadonlyArray<string>
  /** The sender address (?from=), else the user at the domain. */
  readonly from: string
  /** The sender's display name (?name=); undefined: the bare address. */
  readonly fromName?: string
}

export interface TargetProblem {
  /** What to call the target in messages: the scheme, never a secret. */
  readonly label: string
  /** Why the URL cannot be used, with the form it should take. */
  readonly reason: string
}

const decode = (text: string) => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

// Apprise URLs are not always valid WHATWG URLs (a Telegram bot token has a colon in the host
// part), so they are split by hand.
interface Parts {
  /** The URL's scheme, lowercased. */
  readonly scheme: string
  /** The credentials before their ':', decoded; undefined when the URL has no '@'. */
  readonly user?: string
  /** The credentials after their ':', decoded; undefined when there is no ':'. */
  readonly password?: string
  /** The host (for some services a token or topic), without the port. */
  readonly host: string
  /** The port after the host, when one is given. */
  readonly port?: number
  /** The path's non-empty segments, decoded. */
  readonly path: ReadonlyArray<string>
  /** The query parameters, decoded without reading '+' as a space. */
  readonly query: URLSearchParams
}

const split = (url: string): Parts | undefined => {
  // "#" is not a fragment here: Apprise names Pushbullet channels and Discord-style targets with it.
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?]*)([^?]*)(?:\?(.*))?$/is.exec(url.trim())
  if (match === null) return undefined
  const [, scheme = "", authority = "", path = "", query = ""] = match
  const at = authority.lastIndexOf("@")
  const credentials = at < 0 ? undefined : authority.slice(0, at)
  const hostPort = at < 0 ? authority : authority.slice(at + 1)
  const colon = credentials?.indexOf(":") ?? -1
  const portMatch = /^(.*):(\d+)$/.exec(hostPort)
  return {
    scheme: scheme.toLowerCase(),
    ...(credentials === undefined ? {} : colon < 0 ? { user: decode(credentials) } : { user: decode(credentials.slice(0, colon)), password: decode(credentials.slice(colon + 1)) }),
    host: portMatch?.[1] ?? hostPort,
    ...(portMatch?.[2] === undefined ? {} : { port: Number(portMatch[2]) }),
    path: path.split("/").filter((segment) => segment !== "").map(decode),
    query: parseQuery(query)
  }
}

// Not URLSearchParams' parser: it reads "+" as a space, and Apprise marks header parameters with "+".
const parseQuery = (query: string) => {
  const params = new URLSearchParams()
  for (const pair of query.split("&")) {
    if (pair === "") continue
    const equals = pair.indexOf("=")
    params.append(decode(equals < 0 ? pair : pair.slice(0, equals)), decode(equals < 0 ? "" : pair.slice(equals + 1)))
  }
  return params
}

const list = (value: string | null) => (value ?? "").split(/[\s,]+/).filter((item) => item !== "")
const hostLabel = (parts: Parts) => `${parts.host}${parts.port === undefined ? "" : `:${parts.port}`}`

export const parseTarget = (url: string): Target | TargetProblem => {
  const parts = split(url)
  if (parts === undefined) return { label: "(unreadable URL)", reason: "it is not a URL of the form scheme://…" }
  const problem = (reason: string): TargetProblem => ({ label: `${parts.scheme}://…`, reason })
  switch (parts.scheme) {
    case "pbul": {
      if (parts.host === "") return problem("the Pushbullet access token is missing: pbul://ACCESS_TOKEN[/device][/#channel][/email]")
      return {
        _tag: "Pushbullet", label: "pbul://…", token: parts.host,
        devices: parts.path.filter((target) => !target.startsWith("#") && !target.includes("@")),
        channels: parts.path.filter((target) => target.startsWith("#")).map((target) => target.slice(1)),
        emails: parts.path.filter((target) => target.includes("@"))
      }
    }
    case "discord": {
      const [webhookToken] = parts.path
      if (parts.host === "" || webhookToken === undefined) return problem("the webhook id or token is missing: discord://WEBHOOK_ID/WEBHOOK_TOKEN")
      return { _tag: "Discord", label: `discord://${parts.host}/…`, webhookId: parts.host, webhookToken, ...(parts.user === undefined ? {} : { botName: parts.user }) }
    }
    case "ntfy":
    case "ntfys": {
      const secure = parts.scheme === "ntfys"
      // ntfy://TOPIC is the public ntfy.sh; ntfy://HOST/TOPIC a server of your own.
      const own = parts.path.length > 0
      const topics = own ? parts.path : [parts.host]
      if (topics.length === 0 || topics[0] === "") return problem("the topic is missing: ntfy://TOPIC or ntfy://HOST/TOPIC")
      const token = parts.query.get("token")
      const auth: Auth | undefined = token !== null ? { _tag: "Bearer", token }
        : parts.user !== undefined && parts.password !== undefined ? { _tag: "Basic", user: parts.user, password: parts.password }
        : parts.user !== undefined ? { _tag: "Bearer", token: parts.user } : undefined
      return {
        _tag: "Ntfy", label: own ? `${parts.scheme}://${hostLabel(parts)}/…` : `${parts.scheme}://…`,
        base: own ? `${secure ? "https" : "http"}://${hostLabel(parts)}` : "https://ntfy.sh", topics,
        ...(auth === undefined ? {} : { auth }),
        ...(parts.query.get("priority") === null ? {} : { priority: parts.query.get("priority") ?? "" }),
        ...(parts.query.get("tags") === null ? {} : { tags: parts.query.get("tags") ?? "" })
      }
    }
    case "gotify":
    case "gotifys": {
      const token = parts.path[parts.path.length - 1]
      if (parts.host === "" || token === undefined) return problem("the application token is missing: gotify://HOST/TOKEN")
      const prefix = parts.path.slice(0, -1).map((segment) => `/${segment}`).join("")
      const priority = Number(parts.query.get("priority") ?? 5)
      return {
        _tag: "Gotify", label: `${parts.scheme}://${hostLabel(parts)}${prefix}/…`,
        base: `${parts.scheme === "gotifys" ? "https" : "http"}://${hostLabel(parts)}${prefix}`, token,
        priority: Number.isFinite(priority) ? priority : 5
      }
    }
    case "tgram": {
      // The bot token is "123456:ABC…": split's host/port view does not apply.
      const raw = /^tgram:\/\/([^/?]+)((?:\/[^?]*)?)/i.exec(url.trim())
      const botToken = decode(raw?.[1] ?? "")
      const chatIds = (raw?.[2] ?? "").split("/").filter((segment) => segment !== "").map(decode)
      if (!/^\d+:[\w-]+$/.test(botToken)) return problem("the bot token is missing or malformed: tgram://BOT_TOKEN/CHAT_ID")
      if (chatIds.length === 0) return problem("no chat id: tgram://BOT_TOKEN/CHAT_ID")
      return { _tag: "Telegram", label: "tgram://…", botToken, chatIds }
    }
    case "json":
    case "jsons": {
      if (parts.host === "") return problem("the host is missing: json://HOST[:PORT]/PATH")
      const headers = Object.fromEntries([...parts.query.entries()].filter(([key]) => key.startsWith("+")).map(([key, value]) => [key.slice(1), value]))
      const path = parts.path.map(encodeURIComponent).join("/")
      return {
        _tag: "Json", label: `${parts.scheme}://${hostLabel(parts)}/${path === "" ? "" : "…"}`,
        url: `${parts.scheme === "jsons" ? "https" : "http"}://${hostLabel(parts)}/${path}`,
        method: (parts.query.get("method") ?? "POST").toUpperCase(),
        ...(parts.user === undefined ? {} : { auth: { _tag: "Basic", user: parts.user, password: parts.password ?? "" } }),
        headers
      }
    }
    case "mailto":
    case "mailtos": {
      if (parts.host === "") return problem("the mail domain is missing: mailto://USER:PASSWORD@DOMAIN")
      const user = parts.user ?? ""
      const domainUser = user.includes("@") ? user : `${user}@${parts.host}`
      const to = [...list(parts.query.get("to")), ...parts.path.filter((segment) => segment.includes("@"))]
      const from = parts.query.get("from") ?? domainUser
      const mode = parts.query.get("mode")
      if (user === "" && to.length === 0) return problem("no recipient: give mailto://USER:PASSWORD@DOMAIN or ?to=ADDRESS")
      return {
        _tag: "Mail", label: `${parts.scheme}://${user === "" ? "" : `${user.replace(/@.*/, "")}@`}${hostLabel(parts)}`,
        mail: {
          user, password: parts.password ?? "", domain: parts.host, smtpHost: parts.query.get("smtp") ?? "",
          ...(parts.port === undefined ? {} : { port: parts.port }),
          secure: parts.scheme === "mailtos",
          ...(mode === "ssl" || mode === "starttls" ? { mode } : {}),
          to: to.length > 0 ? to : [domainUser], from,
          ...(parts.query.get("name") === null ? {} : { fromName: parts.query.get("name") ?? "" })
        }
      }
    }
    default:
      return { _tag: "Apprise", label: `${parts.scheme}://…`, url }
  }
}

export const isProblem = (parsed: Target | TargetProblem): parsed is TargetProblem => !("_tag" in parsed)
