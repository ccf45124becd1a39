import { Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { sourceJson } from "../store/statusView.ts"
import { Store } from "../store/Store.ts"
import { setStoryUpdateMethod, setStoryWatch } from "../watch/storySettings.ts"
import { Api, NotFound } from "./Api.ts"

// The watch sources' state, and a person's settings for one story (pause, ignore, update_method).

export const WatchHandlers = HttpApiBuilder.group(
  Api,
  "watch",
  Effect.fn(function* (handlers) {
    const store = yield* Store
    const answer = <E extends { readonly _tag: string; readonly message: string }>(effect: Effect.Effect<string, E, Store>) =>
      effect.pipe(
        Effect.map((message) => ({ message })),
        Effect.catch((error) => (error._tag === "StoryNotKnown" ? Effect.fail(new NotFound({ message: error.message })) : Effect.die(error))),
        Effect.provideService(Store, store)
      )
    return handlers.handleAll({
      sources: () => Effect.orDie(Effect.map(store.sources, (sources) => ({ sources: sources.map(sourceJson) }))),
      setWatch: ({ params, payload }) => answer(setStoryWatch(params.key, payload.watch)),
      setUpdateMethod: ({ params, payload }) => answer(setStoryUpdateMethod(params.key, payload.method))
    })
  })
)
