import { NodeServices } from "@effect/platform-node"
import { Effect, Layer, ManagedRuntime } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { AppConfig } from "../../src/config/AppConfig.ts"
import { ImapSource } from "../../src/mail/ImapSource.ts"
import type { Notification } from "../../src/notify/Notification.ts"
import { Notifier } from "../../src/notify/Notifier.ts"
import { Sites } from "../../src/sites/Sites.ts"
import { Store } from "../../src/store/Store.ts"
import type { ImapServer } from "./imapServer.ts"

// The real ImapSource with its real Store and Sites, configured for a test's Dovecot.

export const mailToml = (server: Pick<ImapServer, "port" | "user" | "password">, extra: Record<string, string | number> = {}) => {
  const keys = { server: "127.0.0.1", port: server.port, security: "plain", email: server.user, password: server.password, sleep_time: 3600, ...extra }
  return `[email]\n${Object.entries(keys).map(([key, value]) => `${key} = ${typeof value === "number" ? value : JSON.stringify(value)}`).join("\n")}\n`
}

export const storeFileIn = (dir: string) => join(dir, "automated-fanfic.db")

// Without a named file, a store in a folder of its own that goes when the runtime is disposed.
// Not a test file's scratchFolder: bench/ uses this outside vitest.
const storeLayer = (storeFile: string | undefined) =>
  storeFile !== undefined
    ? Store.layer(storeFile)
    : Layer.unwrap(Effect.map(
      Effect.acquireRelease(
        Effect.sync(() => mkdtempSync(join(tmpdir(), "automated-fanfic-intake-"))),
        (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
      ),
      (dir) => Store.layer(storeFileIn(dir))
    ))

export const intakeRuntime = (toml: string, storeFile?: string, notified: Array<Notification> = []) =>
  ManagedRuntime.make(
    ImapSource.layer.pipe(
      Layer.provideMerge(Sites.layer),
      Layer.provideMerge(Layer.succeed(Notifier)({ notify: (notification) => Effect.sync(() => void notified.push(notification)) })),
      Layer.provideMerge(storeLayer(storeFile)),
      Layer.provideMerge(AppConfig.layerFromText(toml)),
      Layer.provideMerge(NodeServices.layer)
    )
  )

// A small update mail: multipart/alternative, HTML with the story link and some links that are not stories.
export const updateMail = (index: number, storyUrl: string, options: { readonly subject?: string } = {}) =>
  [
    "From: Archive of Our Own <do-not-reply@archiveofourown.org>",
    "To: reader@example.test",
    `Subject: ${options.subject ?? `[AO3] someone posted Chapter ${index} of A Work`}`,
    `Message-ID: <update-${index}-${Math.random().toString(36).slice(2)}@example.test>`,
    "Date: Sun, 22 Nov 2026 12:00:00 +0000",
    "MIME-Version: 1.0",
    'Content-Type: multipart/alternative; boundary="part"',
    "",
    "--part",
    "Content-Type: text/plain; charset=utf-8",
    "",
    `A new chapter: ${storyUrl}`,
    "--part",
    "Content-Type: text/html; charset=utf-8",
    "",
    `<p><a href="https://archiveofourown.org/users/someone/pseuds/someone">someone</a> posted <a href="${storyUrl}">a chapter</a>.</p>`,
    `<blockquote><a href="https://archiveofourown.org/works/999999999">a story the summary mentions</a></blockquote>`,
    `<p><a href="https://archiveofourown.org/users/reader/subscriptions">Unsubscribe</a></p>`,
    "--part--",
    ""
  ].join("\r\n")
