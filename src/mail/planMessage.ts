import type { MarkRead } from "../config/ConfigSchema.ts"
import type { JobRequest } from "../jobs/Job.ts"
import type { StoryRef } from "../sites/siteId.ts"
import type { Identified } from "../sites/Sites.ts"
import type { MailNote, MailRecord } from "../store/mailReceipts.ts"
import type { MessageLinks } from "./messageLinks.ts"

// What one message asks for: a job per story (first link wins, duplicates dropped), a note for
// each link that became no job, and when the message may be marked read. Pure.

interface MessagePlan {
  readonly record: MailRecord
  // Stories on disabled sites: reported, never downloaded.
  readonly disabled: ReadonlyArray<StoryRef>
  readonly unresolved: ReadonlyArray<{ readonly kind: string; readonly url: string }>
}

interface MessagePlace {
  readonly mailbox: string
  readonly uidValidity: number
  readonly uid: number
}

const emailOrigin = (place: MessagePlace) => `email:${place.uidValidity}/${place.uid}`

export const planMessage = (
  place: MessagePlace,
  message: MessageLinks,
  verdicts: ReadonlyArray<Identified>,
  options: { readonly disabledSites: ReadonlyArray<string>; readonly markRead: MarkRead }
): MessagePlan => {
  const stories = new Map<string, StoryRef>()
  const unresolved = new Map<string, { readonly kind: string; readonly url: string }>()
  for (const verdict of verdicts) {
    if (verdict._tag === "Story" && !stories.has(verdict.story.key)) stories.set(verdict.story.key, verdict.story)
    if (verdict._tag === "NeedsLookup") unresolved.set(verdict.url, { kind: verdict.kind, url: verdict.url })
  }
  const disabledSites = new Set(options.disabledSites.map((site) => site.toLowerCase()))
  const wanted = [...stories.values()].filter((story) => !disabledSites.has(story.site))
  const disabled = [...stories.values()].filter((story) => disabledSites.has(story.site))
  const requests: ReadonlyArray<JobRequest> = wanted.map((story) => ({
    storyKey: story.key, url: story.url, site: story.site, origin: emailOrigin(place), force: false
  }))
  const notes: ReadonlyArray<MailNote> = [
    ...disabled.map((story) => ({ kind: "disabled-site-link", detail: `${story.url} is on ${story.site}, listed in [email] disabled_sites` })),
    ...[...unresolved.values()].map((link) => ({ kind: "unresolved-link", detail: `${link.url} (${link.kind}) names a chapter or a tracker, not the story; it was not queued` }))
  ]
  return {
    record: {
      ...place,
      messageId: message.messageId,
      subject: message.subject,
      requests,
      notes,
      // A message that mentions no story is left as it was: the mailbox may hold other mail.
      flagWhen: stories.size === 0 && unresolved.size === 0 ? "none" : options.markRead
    },
    disabled,
    unresolved: [...unresolved.values()]
  }
}
