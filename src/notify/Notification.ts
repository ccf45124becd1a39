// What the user is told about. Delivery (targets, digests, retries) is the Notifier's business;
// these are the facts, decided where they happen.

export interface StoryFacts {
  /** The story's key in the store (storyKeyOf). */
  readonly key: string
  /** The story's canonical link. */
  readonly url: string
  /** The site id, e.g. "fanfiction". */
  readonly site: string
  /** The title, when the run learnt it; the URL stands in otherwise. */
  readonly title?: string
  /** The author, when the run learnt it. */
  readonly author?: string
  /** The chapter count after the run, when known. */
  readonly chapters?: number
}

export type Notification =
  | { readonly _tag: "StoryAdded"; readonly story: StoryFacts }
  | { readonly _tag: "StoryUpdated"; readonly story: StoryFacts; readonly chaptersBefore?: number }
  | { readonly _tag: "NothingNew"; readonly story: StoryFacts }
  | { readonly _tag: "FailedForGood"; readonly story: StoryFacts; readonly reason: string }
  | { readonly _tag: "HailMaryScheduled"; readonly story: StoryFacts; readonly at: number; readonly reason: string }
  | { readonly _tag: "SitePaused"; readonly site: string; readonly until: number; readonly reason: string }
  | { readonly _tag: "SiteResumed"; readonly site: string }
  | { readonly _tag: "DisabledSiteLink"; readonly site: string; readonly url: string; readonly subject: string | null }

export interface Message {
  /** One line saying what happened to which story; short enough for a phone's lock screen. */
  readonly title: string
  /** The details (byline, counts, reasons), usually ending with the story's link. */
  readonly body: string
}

const name = (story: StoryFacts) => story.title ?? story.url
const byline = (story: StoryFacts) => `${name(story)}${story.author === undefined ? "" : ` by ${story.author}`} (${story.site})`
const clock = (at: number) => new Date(at).toISOString().replace("T", " ").slice(0, 16) + " UTC"

// Short enough for a phone's lock screen: the title says what happened to which story.
export const render = (notification: Notification): Message => {
  switch (notification._tag) {
    case "StoryAdded": {
      const { story } = notification
      const chapters = story.chapters === undefined ? "" : `, ${story.chapters} chapter${story.chapters === 1 ? "" : "s"}`
      return { title: `New story: ${name(story)}`, body: `${byline(story)}${chapters}\n${story.url}` }
    }
    case "StoryUpdated": {
      const { story, chaptersBefore } = notification
      const change = story.chapters === undefined ? "" : chaptersBefore === undefined ? `: ${story.chapters} chapters` : `: chapters ${chaptersBefore} → ${story.chapters}`
      return { title: `Updated: ${name(story)}`, body: `${byline(story)}${change}\n${story.url}` }
    }
    case "NothingNew":
      return { title: `Nothing new yet: ${name(notification.story)}`, body: `${byline(notification.story)} has no new chapter online yet\n${notification.story.url}` }
    case "FailedForGood":
      return { title: `Failed: ${name(notification.story)}`, body: `${byline(notification.story)}: ${notification.reason}\n${notification.story.url}` }
    case "HailMaryScheduled":
      return {
        title: `Last try for ${name(notification.story)} at ${clock(notification.at)}`,
        body: `${byline(notification.story)} kept failing (${notification.reason}); one more try at ${clock(notification.at)}, then it is given up\n${notification.story.url}`
      }
    case "SitePaused":
      return {
        title: `${notification.site} is refusing downloads`,
        body: `Paused until ${clock(notification.until)} (${notification.reason}). Its stories wait; other sites go on.`
      }
    case "SiteResumed":
      return { title: `${notification.site} works again`, body: `Downloads from ${notification.site} have resumed.` }
    case "DisabledSiteLink":
      return {
        title: `Alert from ${notification.site} (disabled)`,
        body: `${notification.url} was not downloaded: ${notification.site} is in [email] disabled_sites.${notification.subject === null ? "" : `\nMail: ${notification.subject}`}`
      }
  }
}

// Several events inside the digest window become one message.
export const renderDigest = (notifications: ReadonlyArray<Notification>): Message => {
  const [only] = notifications
  if (notifications.length === 1 && only !== undefined) return render(only)
  const messages = notifications.map(render)
  return { title: `automated-fanfic: ${notifications.length} updates`, body: messages.map((message) => `• ${message.title}\n  ${message.body.split("\n").join("\n  ")}`).join("\n") }
}
