import { Array as Arr, Effect, Result } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import type { Job } from "../jobs/Job.ts"
import { identifyStories } from "../sites/identifyStories.ts"
import { parseStoryUrl } from "../stories/StoryUrl.ts"
import { Store } from "../store/Store.ts"
import type { Story } from "../store/entities.ts"
import { Api, Conflict, NotFound, Unavailable } from "./Api.ts"
import { WebContext } from "./WebContext.ts"

// Stories, jobs, history and sites: reading pages of them, and the changes a person may ask
// for. Every change goes through the Store, then wakes the Coordinator.

const origin = "web"
const firstPage = { page: 1, pageSize: 50 }

const paging = (query: { readonly page?: number | undefined; readonly pageSize?: number | undefined }) => ({
  page: query.page ?? firstPage.page,
  pageSize: query.pageSize ?? firstPage.pageSize
})

const describeJob = (job: Job) => `job ${job.id} (${job.url})`

export const StoriesHandlers = HttpApiBuilder.group(
  Api,
  "stories",
  Effect.fn(function* (handlers) {
    const store = yield* Store
    const { wake } = yield* WebContext

    const storyNamed = Effect.fn(function* (key: string) {
      const story = yield* Effect.orDie(store.story(key))
      if (story === undefined) return yield* new NotFound({ message: `no story ${key} in the job store` })
      return story
    })

    const withJobs = Effect.fn(function* (stories: ReadonlyArray<Story>) {
      const jobs = yield* store.latestJobs(stories.map((story) => story.key))
      return stories.map((story) => ({ ...story, job: jobs.get(story.key) ?? null }))
    })

    const add = Effect.fn(function* (urls: ReadonlyArray<string>, force: boolean) {
      const parsed = urls.map(parseStoryUrl)
      const valid = Arr.getSuccesses(parsed)
      const identified = yield* identifyStories(valid).pipe(Effect.mapError((error) => new Unavailable({ message: error.message })))
      const refs = new Map(Arr.zip(valid, identified))
      const results = []
      for (const [input, parsedUrl] of Arr.zip(urls, parsed)) {
        const found = Result.flatMap(parsedUrl, (url) => refs.get(url) ?? Result.fail({ message: `"${input}" is not a story URL` }))
        if (Result.isFailure(found)) {
          results.push({ url: input, accepted: false, message: found.failure.message })
          continue
        }
        const ref = found.success
        const { job, merged } = yield* store.request({ storyKey: ref.key, url: ref.url, site: ref.site, origin, force })
        results.push({
          url: input,
          accepted: true,
          storyKey: ref.key,
          jobId: job.id,
          merged,
          message: merged ? `already queued as job ${job.id}: ${ref.url}` : `queued job ${job.id}: ${ref.url} (${ref.key})`
        })
      }
      if (results.some((result) => result.accepted)) yield* wake
      return { results }
    })

    return handlers.handleAll({
      list: ({ query }) =>
        Effect.gen(function* () {
          const page = paging(query)
          const found = yield* store.storiesPage({ ...page, search: query.search, site: query.site })
          return { items: yield* withJobs(found.items), total: found.total, ...page }
        }).pipe(Effect.orDie),
      get: ({ params }) =>
        Effect.gen(function* () {
          const [view] = yield* Effect.orDie(withJobs([yield* storyNamed(params.key)]))
          if (view === undefined) return yield* new NotFound({ message: `no story ${params.key} in the job store` })
          return view
        }),
      add: ({ payload }) => add(payload.urls, payload.force ?? false).pipe(Effect.catchTag("StoreError", Effect.die)),
      refresh: ({ params }) =>
        Effect.gen(function* () {
          const story = yield* storyNamed(params.key)
          const { job, merged } = yield* Effect.orDie(store.request({ storyKey: story.key, url: story.url, site: story.site, origin, force: true }))
          yield* wake
          return { message: `${merged ? "forced on the open" : "queued"} ${describeJob(job)}: every chapter is downloaded again`, job }
        })
    })
  })
)

export const JobsHandlers = HttpApiBuilder.group(
  Api,
  "jobs",
  Effect.fn(function* (handlers) {
    const store = yield* Store
    const { wake } = yield* WebContext
    const jobNamed = Effect.fn(function* (id: number) {
      const job = yield* Effect.orDie(store.job(id))
      if (job === undefined) return yield* new NotFound({ message: `no job ${id} in the job store` })
      return job
    })

    const retry = Effect.fn(function* (id: number) {
      const job = yield* jobNamed(id)
      switch (job.state) {
        case "running":
          return yield* new Conflict({ message: `${describeJob(job)} is running now` })
        case "queued":
          return { message: `${describeJob(job)} is already queued`, job }
        case "waiting": {
          const changed = yield* Effect.orDie(store.changeJob(id, { _tag: "RetryNow" }, origin))
          if (changed._tag !== "Changed") return yield* new Conflict({ message: `${describeJob(job)} changed meanwhile; look again` })
          yield* wake
          return { message: `${describeJob(job)} runs now instead of at its retry time`, job: changed.job }
        }
        default: {
          const { job: next } = yield* Effect.orDie(store.request({ storyKey: job.storyKey, url: job.url, site: job.site, origin, force: job.force }))
          yield* wake
          return { message: `queued job ${next.id} for ${job.url} (job ${job.id} had ${job.state === "done" ? "finished" : job.state})`, job: next }
        }
      }
    })

    const cancel = Effect.fn(function* (id: number) {
      yield* jobNamed(id)
      const changed = yield* Effect.orDie(store.changeJob(id, { _tag: "Cancelled", reason: "cancelled from the web API" }, origin))
      if (changed._tag === "Missing") return yield* new NotFound({ message: `no job ${id} in the job store` })
      if (changed._tag === "NotAllowed") {
        return yield* new Conflict({ message: `${describeJob(changed.job)} is ${changed.job.state}; only queued or waiting jobs can be cancelled` })
      }
      return { message: `cancelled ${describeJob(changed.job)}`, job: changed.job }
    })

    return handlers.handleAll({
      list: ({ query }) =>
        Effect.gen(function* () {
          const page = paging(query)
          const found = yield* store.jobsPage({ ...page, state: query.state, site: query.site })
          return { items: found.items, total: found.total, ...page }
        }).pipe(Effect.orDie),
      get: ({ params }) => jobNamed(params.id),
      retry: ({ params }) => retry(params.id),
      cancel: ({ params }) => cancel(params.id)
    })
  })
)

export const HistoryHandlers = HttpApiBuilder.group(
  Api,
  "history",
  Effect.fn(function* (handlers) {
    const store = yield* Store
    return handlers.handleAll({
      list: ({ query }) =>
        Effect.gen(function* () {
          const page = paging(query)
          const found = yield* store.historyPage({ ...page, search: query.search, kind: query.kind, storyKey: query.storyKey })
          return { items: found.items, total: found.total, ...page }
        }).pipe(Effect.orDie)
    })
  })
)

export const SitesHandlers = HttpApiBuilder.group(
  Api,
  "sites",
  Effect.fn(function* (handlers) {
    const store = yield* Store
    const { wake } = yield* WebContext
    return handlers.handleAll({
      resume: ({ params }) =>
        Effect.gen(function* () {
          const resumed = yield* Effect.orDie(store.resumeSite(params.site, origin))
          if (!resumed) return yield* new Conflict({ message: `site ${params.site} is not paused` })
          yield* wake
          return { message: `site ${params.site} resumed: its jobs run again` }
        })
    })
  })
)
