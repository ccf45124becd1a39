import type { Job } from "../jobs/Job.ts"

// Types shared by the Store and the parts it is made of, here so that those parts need not
// import the Store (which imports them).

export interface RequestOutcome {
  readonly job: Job
  readonly merged: boolean
}
