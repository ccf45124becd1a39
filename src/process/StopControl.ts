import { Context } from "effect"
import { ProcessStop } from "./shutdown.ts"

// The process's stop state and its running children, as a service: main provides the instance
// whose signal guard it installed; anything run without one (a test, a bench) gets a private
// instance that no signal reaches.
export const StopControl = Context.Reference<ProcessStop>("automated-fanfic/process/StopControl", {
  defaultValue: () => new ProcessStop()
})
