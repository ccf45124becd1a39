import { Effect, Schema } from "effect"
import type { Readable } from "node:stream"
import { htmlLinks, textLinks } from "./bodyLinks.ts"

// One message, decoded by a maintained MIME parser (multipart, quoted-printable, base64,
// charsets). Attachments are streamed past and dropped, so a large message costs its text parts only.

export class UnreadableMessage extends Schema.TaggedError<UnreadableMessage>()("UnreadableMessage", {
  reason: Schema.String
}) {
  override get message() {
    return `the message cannot be decoded: ${this.reason}`
  }
}

export interface MessageLinks {
  /** The Message-ID header, or null when missing or blank. */
  readonly messageId: string | null
  /** The Subject header, or null when missing or blank. */
  readonly subject: string | null
  /** The From header as text, or null when missing or blank. */
  readonly from: string | null
  /** Every link in the body: from the HTML part when there is one, else from the plain text. */
  readonly links: ReadonlyArray<string>
}

// Enough for any real update mail; a larger text part is read up to here.
const maxTextPart = 4 * 1024 * 1024

const headerText = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? value.trim() : null)

export const messageLinks = (source: Readable | Buffer): Effect.Effect<MessageLinks, UnreadableMessage> =>
  // mailparser (with its charset tables) is loaded with the first message, not at start-up.
  Effect.flatMap(Effect.promise(() => import("mailparser")), ({ MailParser }) => Effect.callback<MessageLinks, UnreadableMessage>((resume) => {
    // mailparser knows the MIME tree: within multipart/alternative it keeps the HTML part, and a
    // text/plain part that is content of its own (multipart/mixed, beside an HTML part) it adds to
    // the HTML, its links made anchors. So the HTML holds every part's links, alternatives once.
    const parser = new MailParser({ skipHtmlToText: true, skipTextToHtml: false, skipTextLinks: false, skipImageLinks: true })
    let headers: ReadonlyMap<string, unknown> = new Map()
    let html: string | undefined
    let text: string | undefined
    parser.on("headers", (parsed) => {
      headers = parsed
    })
    parser.on("data", (data) => {
      if (data.type === "attachment") {
        data.content.on("data", () => undefined)
        data.content.on("end", () => data.release?.())
        return
      }
      if (typeof data.html === "string") html = data.html.slice(0, maxTextPart)
      if (typeof data.text === "string") text = data.text.slice(0, maxTextPart)
    })
    parser.on("error", (error: unknown) => resume(Effect.fail(new UnreadableMessage({ reason: error instanceof Error ? error.message : String(error) }))))
    parser.on("end", () => {
      const from = headers.get("from")
      resume(Effect.succeed({
        messageId: headerText(headers.get("message-id")),
        subject: headerText(headers.get("subject")),
        from: typeof from === "object" && from !== null && "text" in from ? headerText(from.text) : null,
        links: html !== undefined ? htmlLinks(html) : text !== undefined ? textLinks(text) : []
      }))
    })
    if (Buffer.isBuffer(source)) parser.end(source)
    else {
      source.on("error", (error) => parser.destroy(error))
      source.pipe(parser)
    }
    return Effect.sync(() => {
      if (Buffer.isBuffer(source)) return
      source.unpipe(parser)
      source.destroy()
    })
  }))
