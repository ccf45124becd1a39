import { Console, Effect } from "effect"
import { Argument, Command } from "effect/cli"
import { UpdateMethod } from "../config/ConfigSchema.ts"
import { setStoryUpdateMethod, setStoryWatch } from "../watch/storySettings.ts"
import { storeLayer } from "../layers.ts"

// `story pause|resume|ignore|method`: a person's settings for one story, kept in the store.

const story = Argument.String("story").pipe(Argument.withDescription("the story's key (site:id, as `status` shows) or its link"))

const watchCommand = (name: string, watch: "follow" | "paused" | "ignored", description: string) =>
  Command.make(name, { story }, ({ story: named }) =>
    setStoryWatch(named, watch).pipe(Effect.flatMap((line) => Console.log(line)), Effect.provide(storeLayer))
  ).pipe(Command.withDescription(description))

const method = Command.make(
  "method",
  { story, method: Argument.Literals("method", [...UpdateMethod.literals, "default"]) },
  ({ story: named, method: chosen }) =>
    setStoryUpdateMethod(named, chosen === "default" ? null : chosen).pipe(Effect.flatMap((line) => Console.log(line)), Effect.provide(storeLayer))
).pipe(Command.withDescription("Give a story its own update_method (some sites need update_always), or `default` for [calibre] update_method"))

export const storyCommand = Command.make("story").pipe(
  Command.withDescription("Pause, resume or ignore a story, or set its own update_method"),
  Command.withSubcommands([
    watchCommand("pause", "paused", "Stop sweeping a story and updating it on alerts, until `story resume`"),
    watchCommand("resume", "follow", "Follow a paused, ignored or gone story again"),
    watchCommand("ignore", "ignored", "Never sweep or update a story unless you ask (add, the dashboard)"),
    method
  ])
)
