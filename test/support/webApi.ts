import { NodeServices } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { freePort } from "./ports.ts"
import { AppConfig } from "../../src/config/AppConfig.ts"
import { Sites } from "../../src/sites/Sites.ts"
import { Store } from "../../src/store/Store.ts"
import { startWeb } from "../../src/web/startWeb.ts"

// The real HTTP server on a free loopback port, over a real Store file, in the test's scope.

export { freePort }

export const apiServices = (storeFile: string, configText: string, environment: Record<string, string> = {}) =>
  Layer.mergeAll(Store.layer(storeFile), Sites.layer).pipe(
    Layer.provideMerge(AppConfig.layerFromText(configText, environment)),
    Layer.provideMerge(NodeServices.layer)
  )

export interface ServedApi {
  readonly base: string
  readonly wakes: () => number
}

export const serveApi = (port: number, mode: "daemon" | "once") =>
  Effect.gen(function* () {
    let wakes = 0
    yield* startWeb({ mode, wake: Effect.sync(() => void wakes++) })
    const served: ServedApi = { base: `http://127.0.0.1:${port}`, wakes: () => wakes }
    return served
  })

export const webConfig = (port: number, extra = "") => `[web]\nenabled = true\nport = ${port}\n${extra}\n`

export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) })

export interface SseMessage {
  readonly id: string | undefined
  readonly event: string | undefined
  readonly data: string
}

// Reads Server-Sent Events until `count` messages with data arrived, then closes the stream.
export const readSse = async (url: string, count: number, headers: Record<string, string> = {}, timeoutMs = 20_000) => {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  const response = await fetch(url, { headers, signal: controller.signal })
  const messages: Array<SseMessage> = []
  const reader = response.body?.getReader()
  if (reader === undefined) throw new Error("no body")
  const decoder = new TextDecoder()
  let buffer = ""
  try {
    while (messages.length < count) {
      const chunk = await reader.read()
      if (chunk.done) break
      buffer += decoder.decode(chunk.value, { stream: true })
      let end = buffer.indexOf("\n\n")
      while (end >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const fields = new Map<string, string>()
        for (const line of block.split("\n")) {
          const colon = line.indexOf(":")
          if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart())
        }
        const data = fields.get("data")
        if (data !== undefined) messages.push({ id: fields.get("id"), event: fields.get("event"), data })
        end = buffer.indexOf("\n\n")
      }
    }
  } finally {
    clearTimeout(timer)
    controller.abort()
  }
  return { response, messages }
}
