import { Effect } from "effect"
import type { MarkRead } from "../config/ConfigSchema.ts"
import type { Notifier } from "../notify/Notifier.ts"
import type { Sites } from "../sites/Sites.ts"
import type { Store } from "../store/Store.ts"
import { command, type MailSession } from "./mailSession.ts"
import { type MessageLinks, messageLinks } from "./messageLinks.ts"
import { planMessage } from "./planMessage.ts"

// Reads every unseen message not handled before, commits its jobs together with its receipt,
// and only then sets \Seen where mark_read allows. A crash anywhere repeats at most the flagging.

interface IntakeRules {
  readonly disabledSites: ReadonlyArray<string>
  readonly markRead: MarkRead
}

export interface CatchUpSummary {
  readonly messages: number
  readonly queued: number
}

// Messages read before their links go to FanFicFare in one call.
const batchSize = 25

const chunks = <A>(items: ReadonlyArray<A>, size: number): ReadonlyArray<ReadonlyArray<A>> =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, index * size + size))

const noLinks: MessageLinks = { messageId: null, subject: null, from: null, links: [] }

export const makeCatchUp = (store: Store["Service"], sites: Sites["Service"], notifier: Notifier["Service"], rules: IntakeRules, afterCommit: Effect.Effect<void>) => {
  const readMessage = (session: MailSession, uid: number) =>
    Effect.gen(function* () {
      const download = yield* command(session, `reading message ${uid}`, (client) => client.download(String(uid), undefined, { uid: true }))
      // Expunged since the search: nothing to read.
      if (download.content === undefined) return undefined
      return yield* messageLinks(download.content).pipe(
        Effect.catchTag("UnreadableMessage", (error) =>
          Effect.logWarning(`message ${uid} in ${session.mailbox}: ${error.message}; it is recorded and skipped`).pipe(Effect.as(noLinks)))
      )
    })

  const flagDue = Effect.fn("ImapSource.flagDue")(function* (session: MailSession) {
    const uids = yield* store.uidsToFlag(session.mailbox, session.uidValidity)
    if (uids.length === 0) return
    yield* command(session, "marking messages read", (client) => client.messageFlagsAdd(uids.join(","), ["\\Seen"], { uid: true }))
    yield* store.markFlagged(session.mailbox, session.uidValidity, uids)
  })

  const handleBatch = Effect.fn("ImapSource.handleBatch")(function* (session: MailSession, uids: ReadonlyArray<number>) {
    const messages: Array<{ readonly uid: number; readonly links: MessageLinks }> = []
    for (const uid of uids) {
      const links = yield* readMessage(session, uid)
      if (links !== undefined) messages.push({ uid, links })
    }
    const verdicts = yield* sites.identify(messages.flatMap((message) => message.links.links))
    let offset = 0
    let queued = 0
    for (const message of messages) {
      const own = verdicts.slice(offset, offset + message.links.links.length)
      offset += message.links.links.length
      const plan = planMessage({ mailbox: session.mailbox, uidValidity: session.uidValidity, uid: message.uid }, message.links, own, rules)
      const result = yield* store.recordMail(plan.record)
      if (!result.recorded) continue
      const fresh = result.outcomes.filter((outcome) => !outcome.merged)
      queued += fresh.length
      const about = `message ${message.uid}${message.links.subject === null ? "" : ` "${message.links.subject}"`}`
      if (result.outcomes.length > 0) {
        yield* Effect.logInfo(`${about}: ${result.outcomes.map((outcome) => `${outcome.job.storyKey}${outcome.merged ? " (already queued)" : ""}`).join(", ")}`)
      }
      for (const story of plan.disabled) {
        yield* Effect.logInfo(`${about}: ${story.url} is on a disabled site (${story.site}); not downloaded`)
        yield* notifier.notify({ _tag: "DisabledSiteLink", site: story.site, url: story.url, subject: message.links.subject })
      }
      for (const link of plan.unresolved) yield* Effect.logWarning(`${about}: ${link.url} names a chapter or tracker (${link.kind}), not a story; not queued`)
    }
    if (queued > 0) yield* afterCommit
    return { messages: messages.length, queued }
  })

  return Effect.fn("ImapSource.catchUp")(function* (session: MailSession) {
    const found = yield* command(session, "searching unseen messages", (client) => client.search({ seen: false }, { uid: true }))
    if (!Array.isArray(found)) return yield* command(session, "searching unseen messages", () => Promise.reject(new Error("the mailbox is no longer selected")))
    const handled = yield* store.handledUids(session.mailbox, session.uidValidity, found)
    const fresh = found.filter((uid) => !handled.has(uid))
    let summary: CatchUpSummary = { messages: 0, queued: 0 }
    for (const batch of chunks(fresh, batchSize)) {
      const done = yield* handleBatch(session, batch)
      summary = { messages: summary.messages + done.messages, queued: summary.queued + done.queued }
      yield* flagDue(session)
    }
    yield* flagDue(session)
    return summary
  })
}
