import { Clock, Effect } from "effect"
import type { JobRequest, RequestOutcome } from "../jobs/Job.ts"
import type { Access } from "./database.ts"
import type { JobEvents } from "./jobEvents.ts"

// What the Store remembers of each handled message, so that no message is parsed twice and
// its \Seen flag follows the configured rule even across crashes.

// on_queue, on_success and never are email.mark_read; none is a message without story links,
// left unread because the mailbox may hold other mail.
export type FlagWhen = "on_queue" | "on_success" | "never" | "none"

export interface MailNote {
  readonly kind: string
  readonly detail: string
}

export interface MailRecord {
  readonly mailbox: string
  readonly uidValidity: number
  readonly uid: number
  readonly messageId: string | null
  readonly subject: string | null
  readonly requests: ReadonlyArray<JobRequest>
  readonly flagWhen: FlagWhen
  // Links that became no job, kept in the history so nothing vanishes silently.
  readonly notes: ReadonlyArray<MailNote>
}

export interface MailRecorded {
  // False when another process recorded this message first.
  readonly recorded: boolean
  readonly outcomes: ReadonlyArray<RequestOutcome>
}

const uidList = (uids: ReadonlyArray<number>) => JSON.stringify(uids)

export const makeMailReceipts = (access: Access, events: JobEvents, requestWithin: (now: number, request: JobRequest) => RequestOutcome) => {
  const { statement, inTransaction, read } = access

  const handledUids = (mailbox: string, uidValidity: number, uids: ReadonlyArray<number>) =>
    read(() => new Set(
      statement("SELECT uid FROM mail_receipts WHERE mailbox = ? AND uidvalidity = ? AND uid IN (SELECT value FROM json_each(?))")
        .all(mailbox, uidValidity, uidList(uids))
        .map((row) => Number(row["uid"]))
    ))

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

  // Messages whose rule says they may be flagged now: on_queue at once, on_success once every
  // job they asked for is done.
  const uidsToFlag = (mailbox: string, uidValidity: number) =>
    read(() =>
      statement(
        `SELECT r.uid FROM mail_receipts r
         WHERE r.mailbox = ? AND r.uidvalidity = ? AND r.flagged_at IS NULL
           AND (r.flag_when = 'on_queue' OR (r.flag_when = 'on_success' AND NOT EXISTS (
             SELECT 1 FROM mail_receipt_jobs l JOIN jobs j ON j.id = l.job_id
             WHERE l.mailbox = r.mailbox AND l.uidvalidity = r.uidvalidity AND l.uid = r.uid AND j.state <> 'done')))
         ORDER BY r.uid`
      ).all(mailbox, uidValidity).map((row) => Number(row["uid"])))

  const markFlagged = (mailbox: string, uidValidity: number, uids: ReadonlyArray<number>) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      inTransaction(() => {
        statement("UPDATE mail_receipts SET flagged_at = ? WHERE mailbox = ? AND uidvalidity = ? AND uid IN (SELECT value FROM json_each(?))")
          .run(now, mailbox, uidValidity, uidList(uids))
      }))

  return { handledUids, recordMail, uidsToFlag, markFlagged }
}
