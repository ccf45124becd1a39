import type { Message } from "./Notification.ts"
import type { Auth, Target } from "./targets.ts"

// The HTTP requests each service's public API wants for one message. Pure.

export interface HttpCall {
  /** The HTTP method, e.g. POST. */
  readonly method: string
  /** The full request URL; Discord's and Telegram's hold their token, so log the target's label instead. */
  readonly url: string
  /** Request headers, credentials included. */
  readonly headers: Readonly<Record<string, string>>
  /** The request body, JSON text. */
  readonly body: string
}

// Where the fixed-host services live; configurable for a proxy or a compatible server.
export interface Endpoints {
  /** Base URL of the Pushbullet API. */
  readonly pushbullet: string
  /** Base URL of Discord, whose webhooks are under /api/webhooks. */
  readonly discord: string
  /** Base URL of the Telegram Bot API. */
  readonly telegram: string
}

export const officialEndpoints: Endpoints = {
  pushbullet: "https://api.pushbullet.com",
  discord: "https://discord.com",
  telegram: "https://api.telegram.org"
}

const json = { "content-type": "application/json" }
const authHeader = (auth: Auth | undefined): Record<string, string> =>
  auth === undefined ? {} : auth._tag === "Bearer" ? { authorization: `Bearer ${auth.token}` }
    : { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}` }
const clip = (text: string, limit: number) => (text.length <= limit ? text : `${text.slice(0, limit - 1)}…`)
const post = (url: string, headers: Record<string, string>, body: unknown): HttpCall => ({ method: "POST", url, headers: { ...json, ...headers }, body: JSON.stringify(body) })

const ntfyPriorities: Record<string, number> = { min: 1, low: 2, default: 3, normal: 3, high: 4, max: 5, urgent: 5 }

// Pushbullet devices are named by iden here; the [pushbullet] device nickname is looked up first.
export const httpCalls = (target: Exclude<Target, { readonly _tag: "Mail" | "Apprise" }>, message: Message, endpoints: Endpoints, deviceIdens: ReadonlyArray<string> = []): ReadonlyArray<HttpCall> => {
  switch (target._tag) {
    case "Pushbullet": {
      const url = `${endpoints.pushbullet}/v2/pushes`
      const note = { type: "note", title: message.title, body: message.body }
      const headers = { "access-token": target.token }
      const recipients = [
        ...[...target.devices, ...deviceIdens].map((iden) => ({ device_iden: iden })),
        ...target.channels.map((tag) => ({ channel_tag: tag })),
        ...target.emails.map((email) => ({ email }))
      ]
      return recipients.length === 0 ? [post(url, headers, note)] : recipients.map((recipient) => post(url, headers, { ...note, ...recipient }))
    }
    case "Discord":
      return [post(`${endpoints.discord}/api/webhooks/${encodeURIComponent(target.webhookId)}/${encodeURIComponent(target.webhookToken)}`, {}, {
        content: clip(`**${message.title}**\n${message.body}`, 2000),
        ...(target.botName === undefined ? {} : { username: target.botName })
      })]
    case "Ntfy": {
      const priority = target.priority === undefined ? undefined : (ntfyPriorities[target.priority.toLowerCase()] ?? Number(target.priority))
      return target.topics.map((topic) => post(target.base, authHeader(target.auth), {
        topic, title: message.title, message: message.body,
        ...(priority === undefined || !Number.isFinite(priority) ? {} : { priority }),
        ...(target.tags === undefined ? {} : { tags: target.tags.split(",").map((tag) => tag.trim()).filter((tag) => tag !== "") })
      }))
    }
    case "Gotify":
      return [post(`${target.base}/message`, { "x-gotify-key": target.token }, { title: message.title, message: message.body, priority: target.priority })]
    case "Telegram":
      return target.chatIds.map((chatId) => post(`${endpoints.telegram}/bot${target.botToken}/sendMessage`, {}, { chat_id: chatId, text: clip(`${message.title}\n${message.body}`, 4096) }))
    case "Json":
      return [{
        method: target.method, url: target.url, headers: { ...json, ...authHeader(target.auth), ...target.headers },
        body: JSON.stringify({ version: "1.0", title: message.title, message: message.body, attachments: [], type: "info" })
      }]
  }
}
