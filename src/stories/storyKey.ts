// The key that makes two links the same story in the Store. Until per-site rules exist (the
// Sites work of the mail-intake issue), this is the URL without scheme, "www.", fragment or a
// trailing slash, host lower-cased.
export const storyKeyOf = (url: string): string => {
  const parsed = new URL(url)
  const host = parsed.host.toLowerCase().replace(/^www\./, "")
  const path = parsed.pathname.replace(/\/+$/, "")
  return `${host}${path}${parsed.search}`
}

// The site a story belongs to, for one-job-per-site politeness: its host without "www.".
export const siteOf = (url: string): string => new URL(url).host.toLowerCase().replace(/^www\./, "")
