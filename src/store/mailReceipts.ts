import { Clock, Effect, Schema } from "effect"
import type { JobRequest, RequestOutcome } from "../jobs/Job.ts"
import type { Access, StoreError } from "./database.ts"
import type { JobEvents } from "./jobEvents.ts"

// What the Store remembers of each handled message, so that no message is parsed twice and
// its \Seen flag follows the configured rule even across crashes.

// on_queue, on_success and never are email.mark_read; none is a message without story links,
// left unread because the mailbox may hold other mail.
type FlagWhen = "on_queue" | "on_success" | "never" | "none"

// A link in a message that became no job, and why.
export interface MailNote {
  /** The history line's kind: disabled-site-link or unresolved-link. */
  readonly kind: string
  /** In words: the link and the reason. */
  readonly detail: string
}

export interface MailRecord {
  /** The mailbox the message is in. */
  readonly mailbox: string
  /** The mailbox's UIDVALIDITY: a UID means this message only while it stays the same. */
  readonly uidValidity: number
  /** The message's IMAP UID. */
  readonly uid: number
  /** Its Message-ID header, if any. */
  readonly messageId: string | null
  /** Its subject, if any; history lines name it. */
  readonly subject: string | null
  /** The stories it asks for. */
  readonly requests: ReadonlyArray<JobRequest>
  /** When its \Seen flag may be set. */
  readonly flagWhen: FlagWhen
  /** Links that became no job, kept in the history so nothing vanishes silently. */
  readonly notes: ReadonlyArray<MailNote>
}

interface MailRecorded {
  /** False when another process recorded this message first. */
  readonly recorded: boolean
  /** What became of each request, in order. */
  readonly outcomes: ReadonlyArray<RequestOutcome>
}

export interface MailReceipts {
  /** Which of these messages were handled before. */
  handledUids(mailbox: string, uidValidity: number, uids: ReadonlyArray<number>): Effect.Effect<ReadonlySet<number>, StoreError>
  /** A message's jobs and its receipt, in one transaction. */
  recordMail(mail: MailRecord): Effect.Effect<MailRecorded, StoreError>
  /** Messages whose rule says they may be flagged now: on_queue at once, on_success once every
   * job they asked for is done. */
  uidsToFlag(mailbox: string, uidValidity: number): Effect.Effect<ReadonlyArray<number>, StoreError>
  /** Records that these messages were flagged. */
  markFlagged(mailbox: string, uidValidity: number, uids: ReadonlyArray<number>): Effect.Effect<void, StoreError>
}

const uidList = (uids: ReadonlyArray<number>) => JSON.stringify(uids)

const decodeUidRows = Schema.decodeUnknownSync(Schema.Array(Schema.Struct({ uid: Schema.Int })))
const decodeUids = (rows: unknown) => decodeUidRows(rows).map((row) => row.uid)

export const makeMailReceipts = (access: Access, events: JobEvents, requestWithin: (now: number, request: JobRequest) => RequestOutcome): MailReceipts => {
  const { statement, inTransaction, read } = access

  const handledUids = (mailbox: string, uidValidity: number, uids: ReadonlyArray<number>) =>
    read(() => new Set(decodeUids(
      statement("SELECT uid FROM mail_receipts WHERE mailbox = ? AND uidvalidity = ? AND uid IN (SELECT value FROM json_each(?))")
        .all(mailbox, uidValidity, uidList(uids))
    )))

  const recordMail = Effect.fn("Store.recordMail")(function* (mail: MailRecord) {
    const now = yield* Clock.currentTimeMillis
    return yield* inTransaction((): MailRecorded => {
      const seen = statement("SELECT 1 FROM mail_receipts WHERE mailbox = ? AND uidvalidity = ? AND uid = ?").get(mail.mailbox, mail.uidValidity, mail.uid)
      if (seen !== undefined) return { recorded: false, outcomes: [] }
      statement("INSERT INTO mail_receipts (mailbox, uidvalidity, uid, message_id, subject, received_at, flag_when) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .run(mail.mailbox, mail.uidValidity, mail.uid, mail.messageId, mail.subject, now, mail.flagWhen)
      const outcomes = mail.requests.map((request) => requestWithin(now, request))
      const jobIds = new Set(outcomes.map((outcome) => outcome.job.id))
      for (const jobId of jobIds) {
        statement("INSERT INTO mail_receipt_jobs (mailbox, uidvalidity, uid, job_id) VALUES (?, ?, ?, ?)").run(mail.mailbox, mail.uidValidity, mail.uid, jobId)
      }
      const origin = `mail ${mail.mailbox} ${mail.uidValidity}/${mail.uid}${mail.subject === null ? "" : `: ${mail.subject}`}`
      for (const note of mail.notes) {
        events.insertEvent(now, { storyKey: null, jobId: null, kind: note.kind, detail: `${note.detail} (${origin})` })
      }
      return { recorded: true, outcomes }
    })
  })

  const uidsToFlag = (mailbox: string, uidValidity: number) =>
    read(() =>
      decodeUids(statement(
        `SELECT r.uid FROM mail_receipts r
         WHERE r.mailbox = ? AND r.uidvalidity = ? AND r.flagged_at IS NULL
           AND (r.flag_when = 'on_queue' OR (r.flag_when = 'on_success' AND NOT EXISTS (
             SELECT 1 FROM mail_receipt_jobs l JOIN jobs j ON j.id = l.job_id
             WHERE l.mailbox = r.mailbox AND l.uidvalidity = r.uidvalidity AND l.uid = r.uid AND j.state <> 'done')))
         ORDER BY r.uid`
      ).all(mailbox, uidValidity)))

  const markFlagged = (mailbox: string, uidValidity: number, uids: ReadonlyArray<number>) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      inTransaction(() => {
        statement("UPDATE mail_receipts SET flagged_at = ? WHERE mailbox = ? AND uidvalidity = ? AND uid IN (SELECT value FROM json_each(?))")
          .run(now, mailbox, uidValidity, uidList(uids))
      }))

  return { handledUids, recordMail, uidsToFlag, markFlagged }
}
