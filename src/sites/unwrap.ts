// Mail providers and mailers wrap links in redirectors (Google's /url?q=, Outlook safelinks,
// Wattpad's /et?l=). A parameter holding a whole http(s) URL is the real target.
const targetParameters = ["l", "url", "u", "q", "target", "redirect", "dest", "href"]
const maxDepth = 3

const wrappedTarget = (url: URL): URL | undefined => {
  for (const name of targetParameters) {
    const value = url.searchParams.get(name)
    if (value !== null && /^https?:\/\//i.test(value) && URL.canParse(value)) return new URL(value)
  }
  return undefined
}

export const unwrapLink = (url: URL): URL => {
  let current = url
  for (let depth = 0; depth < maxDepth; depth++) {
    const inner = wrappedTarget(current)
    if (inner === undefined) return current
    current = inner
  }
  return current
}
