import { NodeServices } from "@effect/platform-node"
import { describe, expect, it as plainIt, layer } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { AppConfig } from "../../src/config/AppConfig.ts"
import { messageLinks } from "../../src/mail/messageLinks.ts"
import { planMessage } from "../../src/mail/planMessage.ts"
import { ImapSource } from "../../src/mail/ImapSource.ts"
import { Sites } from "../../src/sites/Sites.ts"
import { Store } from "../../src/store/Store.ts"
import { startImapServer } from "../support/imapServer.ts"
import { intakeRuntime, mailToml } from "../support/mailIntake.ts"
import { repoRoot } from "../support/paths.ts"

// Every fixture email yields exactly its expected stories (key and canonical link, in order),
// reports its chapter and tracker links as unresolved, and never yields a must-not link.
// Made from shared/reference/imap_and_emails.md §4.5 (see test/fixtures/emails/README.md).

const fixtures = join(repoRoot, "test", "fixtures", "emails")
const Expected = Schema.Record(Schema.String, Schema.Struct({
  stories: Schema.Array(Schema.Struct({ key: Schema.String, url: Schema.String })),
  unresolved: Schema.Array(Schema.Struct({ kind: Schema.String, url: Schema.String })),
  must_not_extract: Schema.Array(Schema.String)
}))
const expected = Schema.decodeUnknownSync(Schema.fromJsonString(Expected))(readFileSync(join(fixtures, "expected.json"), "utf8"))
const emails = readdirSync(fixtures).filter((name) => name.endsWith(".eml")).sort()

const sitesLayer = Sites.layer.pipe(Layer.provide(AppConfig.layerFromText("")), Layer.provide(NodeServices.layer))

describe("fixture emails", () => {
  layer(sitesLayer)((it) => {
    it("every .eml has an expectation", () => expect(emails).toEqual(Object.keys(expected).sort()))

    for (const name of emails) {
      it.effect(name, () =>
        Effect.gen(function* () {
          const want = expected[name]
          if (want === undefined) throw new Error(`${name} is missing from expected.json`)
          const message = yield* messageLinks(readFileSync(join(fixtures, name)))
          const verdicts = yield* (yield* Sites).identify(message.links)
          const plan = planMessage({ mailbox: "INBOX", uidValidity: 1, uid: 1 }, message, verdicts, { disabledSites: [], markRead: "on_queue" })
          expect(plan.record.requests.map((request) => ({ key: request.storyKey, url: request.url }))).toEqual(want.stories)
          expect(plan.unresolved).toEqual(want.unresolved)
          // Exact equality above already excludes them; this names the link when a rule regresses.
          const mustNot = yield* (yield* Sites).identify(want.must_not_extract)
          const wantedKeys = new Set(want.stories.map((story) => story.key))
          const queuedKeys = new Set(plan.record.requests.map((request) => request.storyKey))
          mustNot.forEach((verdict, index) => {
            if (verdict._tag === "Story" && !wantedKeys.has(verdict.story.key)) expect(queuedKeys.has(verdict.story.key), want.must_not_extract[index]).toBe(false)
          })
        }))
    }
  })
})

describe("fixture emails through Dovecot", () => {
  plainIt("APPENDed to a mailbox, one check queues exactly the expected stories, in order", async () => {
    const server = await startImapServer()
    for (const name of emails) await server.append(readFileSync(join(fixtures, name)))
    const runtime = intakeRuntime(mailToml(server))
    const summary = await runtime.runPromise(Effect.gen(function* () {
      return yield* (yield* ImapSource).checkOnce
    }))
    const keys = (await runtime.runPromise(Effect.gen(function* () {
      return yield* (yield* Store).jobs()
    }))).map((job) => job.storyKey)
    const wanted = [...new Set(emails.flatMap((name) => (expected[name]?.stories ?? []).map((story) => story.key)))]
    expect(summary).toEqual({ messages: emails.length, queued: wanted.length })
    expect(keys).toEqual(wanted)
    await runtime.dispose()
    await server.stop()
  })
})
