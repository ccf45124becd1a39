// What the user is told about. Delivery (Apprise URLs, digests) is the Notifier's business; these
// are the facts, decided where they happen.

export interface StoryFacts {
  readonly key: string
  readonly url: string
  readonly site: string
  readonly title?: string
  readonly chapters?: number
}

export type Notification =
  | { readonly _tag: "StoryAdded"; readonly story: StoryFacts }
  | { readonly _tag: "StoryUpdated"; readonly story: StoryFacts }
  | { readonly _tag: "NothingNew"; readonly story: StoryFacts }
  | { readonly _tag: "FailedForGood"; readonly story: StoryFacts; readonly reason: string }
  | { readonly _tag: "SitePaused"; readonly site: string; readonly until: number; readonly reason: string }
  | { readonly _tag: "SiteResumed"; readonly site: string }
  | { readonly _tag: "DisabledSiteLink"; readonly site: string; readonly url: string; readonly subject: string | null }

const name = (story: StoryFacts) => story.title ?? story.url

// One line a phone lock screen can show.
export const headline = (notification: Notification): string => {
  switch (notification._tag) {
    case "StoryAdded":
      return `New story: ${name(notification.story)}${notification.story.chapters === undefined ? "" : ` (${notification.story.chapters} chapters)`}`
    case "StoryUpdated":
      return `Updated: ${name(notification.story)}${notification.story.chapters === undefined ? "" : ` (now ${notification.story.chapters} chapters)`}`
    case "NothingNew":
      return `Nothing new yet: ${name(notification.story)}`
    case "FailedForGood":
      return `Gave up on ${name(notification.story)}: ${notification.reason}`
    case "SitePaused":
      return `${notification.site} is refusing downloads; paused until ${new Date(notification.until).toISOString()}`
    case "SiteResumed":
      return `${notification.site} works again`
    case "DisabledSiteLink":
      return `Alert for ${notification.url} (${notification.site} is in disabled_sites, not downloaded)`
  }
}
