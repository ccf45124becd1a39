import { Effect, Random } from "effect"

// Schedule.jittered draws from Random: fixed at 0.5 the factor is exactly 1, at 0 it is 0.8.
export const fixedRandom = (value: number) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.provideService(effect, Random.Random, { nextDoubleUnsafe: () => value, nextIntUnsafe: () => 0 })
