// Where each key of a TOML document is written, so errors can point at a line. smol-toml does
// not report key positions, and a line-level scan is enough for hand-written config files.

const headerPattern = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/
const keyPattern = /^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=/

const unquote = (segment: string) => segment.trim().replace(/^["']|["']$/g, "")

const dotted = (text: string) => text.split(".").map(unquote).join(".")

export const keyLines = (source: string): ReadonlyMap<string, number> => {
  const lines = new Map<string, number>()
  let table = ""
  source.split(/\r?\n/).forEach((line, index) => {
    const header = headerPattern.exec(line)
    if (header?.[1] !== undefined) {
      table = dotted(header[1])
      if (!lines.has(table)) lines.set(table, index + 1)
      return
    }
    const key = keyPattern.exec(line)
    if (key?.[1] !== undefined) {
      const path = table === "" ? dotted(key[1]) : `${table}.${dotted(key[1])}`
      if (!lines.has(path)) lines.set(path, index + 1)
    }
  })
  return lines
}

// The nearest line known for a path or, failing that, for its enclosing section.
export const lineOf = (lines: ReadonlyMap<string, number>, path: string): number | undefined => {
  for (let current = path; current !== ""; current = current.slice(0, Math.max(0, current.lastIndexOf(".")))) {
    const line = lines.get(current)
    if (line !== undefined) return line
    if (!current.includes(".")) break
  }
  return undefined
}
