import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Readable } from "node:stream"
import { htmlLinks, textLinks } from "../../src/mail/bodyLinks.ts"
import { messageLinks } from "../../src/mail/messageLinks.ts"

const crlf = (lines: ReadonlyArray<string>) => lines.join("\r\n")

describe("links in a body", () => {
  it("takes <a href> outside quoted content, entities decoded, in order", () => {
    const html = `<p><a href="https://a.test/1?x=1&amp;y=2">one</a></p>
      <blockquote>summary <a href="https://a.test/quoted">other story</a><div><a href="https://a.test/deeper">x</a></div></blockquote>
      <div class="message bbWrapper"><a href="https://a.test/post">in the post</a></div>
      <div class="bbCodeBlock--quote"><a href="https://a.test/bb">bb</a></div>
      <img src="https://a.test/pixel"><a href="https://a.test/2">two</a><a>no href</a><a href="  ">blank</a>`
    expect(htmlLinks(html)).toEqual(["https://a.test/1?x=1&y=2", "https://a.test/2"])
  })

  it("finds URLs in plain text, without trailing punctuation or an unbalanced parenthesis", () => {
    expect(textLinks("see https://a.test/s/1/1/. and (https://a.test/wiki/X_(y)) or <https://a.test/3>, 'https://a.test/4'!"))
      .toEqual(["https://a.test/s/1/1/", "https://a.test/wiki/X_(y)", "https://a.test/3", "https://a.test/4"])
  })
})

describe("messageLinks", () => {
  it.effect("takes the links of every text part of multipart/mixed, and of one alternative (the HTML) within multipart/alternative", () =>
    Effect.gen(function* () {
      const raw = crlf([
        "From: Relay <relay@site.test>", "Subject: digest", "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="m1"', "",
        "--m1", 'Content-Type: multipart/alternative; boundary="a1"', "",
        "--a1", "Content-Type: text/plain; charset=utf-8", "", "https://alt.test/plain-alternative", "--a1",
        "Content-Type: text/html; charset=utf-8", "", '<a href="https://alt.test/html-alternative">x</a>', "--a1--",
        "--m1", "Content-Type: text/plain; charset=utf-8", "", "Footer: https://mixed.test/s/1?a=1&para=2&copy=3. (https://mixed.test/wiki/X_(y))",
        "--m1", "Content-Type: text/html; charset=utf-8", "", '<a href="https://mixed.test/html">y</a>', "--m1--", ""
      ])
      expect((yield* messageLinks(Buffer.from(raw))).links).toEqual([
        "https://alt.test/html-alternative", "https://mixed.test/s/1?a=1&para=2&copy=3", "https://mixed.test/wiki/X_(y)", "https://mixed.test/html"
      ])
    }))

  it.effect("reads the HTML part and ignores the text part when both exist", () =>
    Effect.gen(function* () {
      const raw = crlf([
        "From: Site <bot@site.test>", "Subject: =?UTF-8?Q?New_chapter_=E2=80=94_caf=C3=A9?=", "Message-ID: <a@b>", "MIME-Version: 1.0",
        'Content-Type: multipart/alternative; boundary="b1"', "", "--b1", "Content-Type: text/plain; charset=utf-8", "",
        "https://text.test/only-in-text", "--b1", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
        '<a href=3D"https://html.test/s/123456789/1/a-very-long-title-that-is-split-by-=', 'a-soft-line-break">x</a>', "--b1--", ""
      ])
      const links = yield* messageLinks(Buffer.from(raw))
      expect(links).toEqual({
        messageId: "<a@b>", subject: "New chapter — café", from: "\"Site\" <bot@site.test>",
        links: ["https://html.test/s/123456789/1/a-very-long-title-that-is-split-by-a-soft-line-break"]
      })
    }))

  it.effect("an empty body, a message without links and garbage all give no links, without failing", () =>
    Effect.gen(function* () {
      expect((yield* messageLinks(Buffer.from("Subject: nothing\r\n\r\n"))).links).toEqual([])
      expect((yield* messageLinks(Buffer.from("Subject: hi\r\n\r\nSee you at lunch.\r\n"))).links).toEqual([])
      expect((yield* messageLinks(Buffer.from([0, 255, 1, 2, 13, 10, 13, 10, 0, 0]))).links).toEqual([])
      const truncated = crlf(['Content-Type: multipart/mixed; boundary="never"', "", "--never", "Content-Type: text/html", "Content-Transfer-Encoding: base64", "", "PGEgaHJlZj0iaHR0cHM6Ly9hLnRlc3QvMSI+eDwvYT4", "%%% not base64"])
      expect((yield* messageLinks(Buffer.from(truncated))).links).toEqual(["https://a.test/1"])
    }))

  it.effect("streams a 20 MB attachment past and keeps 5,000 links", () =>
    Effect.gen(function* () {
      const anchors = Array.from({ length: 5000 }, (_, index) => `<a href="https://a.test/s/${index}/1/">${index}</a>`).join("\r\n")
      const attachment = Buffer.alloc(20 * 1024 * 1024, 7).toString("base64").replace(/.{76}/g, "$&\r\n")
      const head = crlf([
        'Content-Type: multipart/mixed; boundary="m"', "", "--m", "Content-Type: text/html; charset=utf-8", "", anchors,
        "--m", "Content-Type: application/octet-stream", "Content-Transfer-Encoding: base64", 'Content-Disposition: attachment; filename="big.bin"', "", ""
      ])
      const source = Readable.from([Buffer.from(head), Buffer.from(attachment), Buffer.from("\r\n--m--\r\n")])
      const links = yield* messageLinks(source)
      expect(links.links).toHaveLength(5000)
      expect(links.links[4999]).toBe("https://a.test/s/4999/1/")
    }))
})
