import { createConnection, createServer, type Socket } from "node:net"

// A loopback TCP relay to 127.0.0.1:targetPort that can misbehave as a flaky network would:
// resetAll() cuts every connection with a TCP reset (the client reads ECONNRESET), blackhole(true)
// stops carrying bytes either way without closing anything (a dead link: only a client timeout
// notices). The held-back bytes stay queued, as TCP would retransmit them, so after blackhole(false)
// a session that neither side gave up on carries on.
export interface TcpProxy {
  readonly port: number
  resetAll(): void
  blackhole(on: boolean): void
  // Stops listening and destroys the connections still open.
  close(): Promise<void>
}

export const startTcpProxy = (targetPort: number) =>
  new Promise<TcpProxy>((resolve, reject) => {
    const pairs = new Set<readonly [Socket, Socket]>()
    let holding = false

    // Forwards by hand rather than with pipe(), so that a paused side stays paused.
    const forward = (from: Socket, to: Socket) => {
      from.on("data", (chunk) => {
        if (!to.write(chunk)) from.pause()
      })
      to.on("drain", () => {
        if (!holding) from.resume()
      })
      from.on("end", () => to.end())
    }

    const server = createServer((client) => {
      const upstream = createConnection({ host: "127.0.0.1", port: targetPort })
      const pair: readonly [Socket, Socket] = [client, upstream]
      pairs.add(pair)
      forward(client, upstream)
      forward(upstream, client)
      if (holding) {
        client.pause()
        upstream.pause()
      }
      const drop = () => {
        pairs.delete(pair)
        client.destroy()
        upstream.destroy()
      }
      client.on("error", drop)
      upstream.on("error", drop)
      client.on("close", drop)
      upstream.on("close", drop)
    })
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resolve({
        port: typeof address === "object" && address !== null ? address.port : 0,
        resetAll: () => {
          for (const [client, upstream] of pairs) {
            client.resetAndDestroy()
            upstream.resetAndDestroy()
          }
          pairs.clear()
        },
        blackhole: (on) => {
          holding = on
          for (const [client, upstream] of pairs) {
            for (const socket of [client, upstream]) {
              if (on) socket.pause()
              else socket.resume()
            }
          }
        },
        close: () =>
          new Promise<void>((done) => {
            for (const [client, upstream] of pairs) {
              client.destroy()
              upstream.destroy()
            }
            pairs.clear()
            server.close(() => done())
          })
      })
    })
  })
