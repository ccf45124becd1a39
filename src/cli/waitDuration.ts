// `--wait-retries=DURATION`: "90s", "30m", "2h", "1d", or a number of minutes. Pure.
const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

export const parseWaitDuration = (text: string): number | undefined => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(text)
  if (match === null) return undefined
  const amount = Number(match[1])
  const unit = (match[2] ?? "").toLowerCase() || "m"
  const ms = amount * (units[unit] ?? 60_000)
  return Number.isFinite(ms) ? ms : undefined
}
