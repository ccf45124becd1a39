import { describe, expect, it } from "@effect/vitest"
import { pickSlots, type SiteLoad } from "../../src/coordinator/dispatch.ts"
import { afterRun, type BreakerPolicy, describeSite, healthySite, isPaused } from "../../src/jobs/siteBreaker.ts"

const policy: BreakerPolicy = { threshold: 2, baseCooldownMs: 5 * 60_000, maxCooldownMs: 20 * 60_000 }

describe("site breaker", () => {
  it("opens after repeated site trouble, doubles its cool-down up to the cap, and closes on success", () => {
    let site = healthySite("test2.com")
    site = afterRun(policy, site, "site-trouble", 0, "HTTP 429")
    expect(isPaused(site, 1)).toBe(false)
    expect(describeSite(site, 1)).toBe("degraded: 1 failure in a row (HTTP 429)")
    site = afterRun(policy, site, "site-trouble", 1000, "HTTP 429")
    expect(site.openUntil).toBe(1000 + 5 * 60_000)
    expect(isPaused(site, 1000 + 5 * 60_000 - 1)).toBe(true)
    expect(isPaused(site, 1000 + 5 * 60_000)).toBe(false)
    expect(describeSite(site, 2000)).toContain("paused until")
    // The probe after the cool-down fails: twice as long, then the cap.
    site = afterRun(policy, site, "site-trouble", 400_000, "HTTP 503")
    expect(site.openUntil).toBe(400_000 + 10 * 60_000)
    site = afterRun(policy, site, "site-trouble", 2_000_000, "HTTP 503")
    expect(site.openUntil).toBe(2_000_000 + 20 * 60_000)
    site = afterRun(policy, site, "site-trouble", 4_000_000, "HTTP 503")
    expect(site.openUntil).toBe(4_000_000 + 20 * 60_000)
    expect(afterRun(policy, site, "worked", 6_000_000, "")).toEqual(healthySite("test2.com"))
  })

  it("a story-level failure says nothing about the site", () => {
    const degraded = afterRun(policy, healthySite("a"), "site-trouble", 0, "HTTP 403")
    expect(afterRun(policy, degraded, "other", 5, "story does not exist")).toEqual(degraded)
  })
})

describe("dispatch order", () => {
  const load = (site: string, due: number, extra: Partial<SiteLoad> = {}): SiteLoad => ({ site, due, running: 0, limit: 1, meanRunMs: 1, ...extra })

  it("the site with the most work left goes first; one slot per site unless configured", () => {
    expect(pickSlots([load("a", 1), load("b", 9), load("c", 3)], 2)).toEqual(["b", "c"])
    expect(pickSlots([load("a", 5), load("b", 5, { meanRunMs: 3 })], 4)).toEqual(["b", "a"])
  })

  it("a busy site gets nothing more; a site allowed two gets a second slot only after the others", () => {
    expect(pickSlots([load("a", 4, { running: 1 }), load("b", 1)], 3)).toEqual(["b"])
    expect(pickSlots([load("a", 4, { limit: 2 }), load("b", 1)], 3)).toEqual(["a", "b", "a"])
    expect(pickSlots([load("a", 1, { limit: 3 })], 3)).toEqual(["a"])
  })
})
