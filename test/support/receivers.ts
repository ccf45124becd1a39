import { createServer, type IncomingHttpHeaders, type Server } from "node:http"
import { SMTPServer } from "smtp-server"

// Local stand-ins for notification services: an HTTP server that records every request and
// answers by path, and an SMTP server that records every mail.

export interface Received {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

export interface HttpReceiver {
  readonly port: number
  readonly received: Array<Received>
  close(): Promise<void>
}

// Paths containing "/fail" answer 500, "/slow" never answer; GET /v2/devices lists Pushbullet devices.
export const startHttpReceiver = () =>
  new Promise<HttpReceiver>((resolve) => {
    const received: Array<Received> = []
    const server: Server = createServer((request, response) => {
      let body = ""
      request.on("data", (chunk) => (body += chunk))
      request.on("end", () => {
        const path = request.url ?? ""
        received.push({ method: request.method ?? "", path, headers: request.headers, body })
        if (path.includes("/slow")) return
        if (path.includes("/fail")) {
          response.writeHead(500).end("broken")
          return
        }
        response.writeHead(200, { "content-type": "application/json" })
        response.end(path === "/v2/devices"
          ? JSON.stringify({ devices: [{ iden: "tablet-iden", nickname: "Tablet", active: true, pushable: true }, { iden: "phone-iden", nickname: "Phone", active: true, pushable: true }] })
          : "{}")
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resolve({
        port: typeof address === "object" && address !== null ? address.port : 0,
        received,
        close: () => new Promise((done) => {
          server.closeAllConnections()
          server.close(() => done())
        })
      })
    })
  })

export interface ReceivedMail {
  readonly from: string
  readonly to: ReadonlyArray<string>
  readonly user: string
  readonly data: string
}

export const startSmtpReceiver = () =>
  new Promise<{ port: number; mails: Array<ReceivedMail>; close(): Promise<void> }>((resolve) => {
    const mails: Array<ReceivedMail> = []
    const server = new SMTPServer({
      secure: false,
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      authOptional: false,
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? "" }),
      onData: (stream, session, callback) => {
        let data = ""
        stream.on("data", (chunk: Buffer) => (data += chunk.toString()))
        stream.on("end", () => {
          mails.push({
            from: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            user: typeof session.user === "string" ? session.user : "",
            data
          })
          callback()
        })
      }
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.server.address()
      resolve({ port: typeof address === "object" && address !== null ? address.port : 0, mails, close: () => new Promise((done) => server.close(() => done())) })
    })
  })
