// "Did you mean" for misspelt keys: the closest known name within a small edit distance.

const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

const normalise = (name: string) => name.toLowerCase().replace(/[-_\s]/g, "")

export const closestName = (name: string, candidates: ReadonlyArray<string>): string | undefined => {
  const wanted = normalise(name)
  let best: { readonly candidate: string; readonly distance: number } | undefined
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalise(candidate))
    if (best === undefined || distance < best.distance) best = { candidate, distance }
  }
  const tolerance = Math.max(2, Math.floor(wanted.length / 3))
  return best !== undefined && best.distance <= tolerance ? best.candidate : undefined
}
