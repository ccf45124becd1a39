import { Effect, FileSystem, Result, Schema } from "effect"
import type { ReadingList } from "../config/ConfigSchema.ts"
import { describeOutcome } from "../fanficfare/describeOutcome.ts"
import { FanFicFare } from "../fanficfare/FanFicFare.ts"
import { Sites } from "../sites/Sites.ts"
import { Store } from "../store/Store.ts"
import { listOrigin } from "./cheapCheck.ts"
import { queueLinks } from "./queueLinks.ts"
import type { WatchSource } from "./WatchSource.ts"

// Reading lists: pages whose story links FanFicFare's --list reads (AO3 bookmarks, series,
// author pages, favourites), once per list_hours. New stories are added unless the list says
// add_new = false; known ones are queued as list:URL and so checked cheaply first.

class ListFailed extends Schema.TaggedError<ListFailed>()("ListFailed", {
  list: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `${this.reason}; check the address in [watch] lists (and any login it needs in personal.ini)`
  }
}

const listSettings = (list: ReadingList) => (typeof list === "string" ? { url: list, add_new: true } : list)

export const makeListSources = Effect.fnUntraced(function* (watch: { readonly lists: ReadonlyArray<ReadingList>; readonly list_hours: number }) {
  const store = yield* Store
  const sites = yield* Sites
  const fanFicFare = yield* FanFicFare
  const fs = yield* FileSystem.FileSystem

  const readOne = Effect.fn("ReadingLists.read")(function* (url: string, addNew: boolean) {
    const origin = listOrigin(url)
    if (!/^https?:\/\//i.test(url)) return yield* new ListFailed({ list: url, reason: "is not an http(s) address" })
    const workDir = yield* fs.makeTempDirectoryScoped({ prefix: "automated-fanfic-list-" }).pipe(Effect.orDie)
    const links = yield* fanFicFare.list(workDir, url).pipe(Effect.mapError((error) => new ListFailed({ list: url, reason: error.message })))
    yield* store.recordEvent("list-request", `${origin}: ${Result.isSuccess(links) ? `${links.success.length} link(s)` : describeOutcome(links.failure)}`)
    if (Result.isFailure(links)) return yield* new ListFailed({ list: url, reason: describeOutcome(links.failure) })
    return yield* queueLinks(links.success, { origin, addNew }).pipe(Effect.provideService(Sites, sites), Effect.provideService(Store, store))
  }, Effect.scoped)

  return watch.lists.map(listSettings).map((list): WatchSource => ({
    name: listOrigin(list.url),
    everyMs: watch.list_hours * 3_600_000,
    run: readOne(list.url, list.add_new)
  }))
})
