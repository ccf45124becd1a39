import { Effect, Random } from "effect"

// Schedule.jittered draws from Random: fixed at 0.5 the factor is exactly 1, at 0 it is 0.8.
export const fixedRandom = (value: number) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.provideService(effect, Random.Random, { nextDoubleUnsafe: () => value, nextIntUnsafe: () => 0 })

// A small seeded generator (mulberry32) for tests whose random choices must replay from a seed.
export const seededRandom = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
