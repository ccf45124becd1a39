import { Parser } from "htmlparser2"

// The links a message body offers, in order. In HTML only <a href>, and none inside text people
// wrote (AO3 summaries in <blockquote>, a forum post quoted in <div class="message">), which may
// link other stories. Plain text is read here only when a message has no HTML part at all; a
// plain part beside an HTML part reaches htmlLinks as anchors (messageLinks.ts).

const isQuotedContent = (name: string, attributes: Readonly<Record<string, string>>) => {
  if (name === "blockquote") return true
  const classes = (attributes["class"] ?? "").split(/\s+/)
  return classes.includes("message") || classes.some((name) => name.includes("bbCodeBlock"))
}

export const htmlLinks = (html: string): ReadonlyArray<string> => {
  const links: Array<string> = []
  // One entry per open element: whether it starts quoted content.
  const open: Array<boolean> = []
  let quotedDepth = 0
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const quoted = isQuotedContent(name, attributes)
        open.push(quoted)
        if (quoted) quotedDepth++
        const href = attributes["href"]
        if (name === "a" && quotedDepth === 0 && href !== undefined && href.trim() !== "") links.push(href.trim())
      },
      onclosetag() {
        if (open.pop() === true) quotedDepth--
      }
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true }
  )
  parser.write(html)
  parser.end()
  return links
}

const urlInText = /https?:\/\/[^\s<>"'`{}|\\^[\]]+/gi

const trimUrl = (candidate: string) => {
  let url = candidate.replace(/[.,;:!?'"]+$/, "")
  // A closing parenthesis belongs to the URL only when the URL opened one.
  while (url.endsWith(")") && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0)) url = url.slice(0, -1).replace(/[.,;:!?'"]+$/, "")
  return url
}

export const textLinks = (text: string): ReadonlyArray<string> => [...text.matchAll(urlInText)].map((match) => trimUrl(match[0]))
