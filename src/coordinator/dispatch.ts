// Which sites get the free slots. Pure. The site with the most work left goes first (due jobs ×
// its mean run time), so the longest queue never waits behind short ones and the whole batch
// ends as early as its largest site allows. A site gets a second slot only after every site
// with due work got one, and never more than its own limit.

export interface SiteLoad {
  readonly site: string
  readonly due: number
  readonly running: number
  readonly limit: number
  readonly meanRunMs: number
}

export const pickSlots = (loads: ReadonlyArray<SiteLoad>, free: number): ReadonlyArray<string> => {
  const order = [...loads].sort((a, b) => b.due * b.meanRunMs - a.due * a.meanRunMs || a.site.localeCompare(b.site))
  const granted = new Map<string, number>()
  const picked: Array<string> = []
  let progress = true
  while (picked.length < free && progress) {
    progress = false
    for (const load of order) {
      if (picked.length >= free) break
      const mine = granted.get(load.site) ?? 0
      if (load.running + mine >= load.limit || mine >= load.due) continue
      granted.set(load.site, mine + 1)
      picked.push(load.site)
      progress = true
    }
  }
  return picked
}
