import { createConnection, createServer, type Socket } from "node:net"

// A loopback TCP relay that can cut every connection with a reset, as a flaky network would.
export interface TcpProxy {
  readonly port: number
  resetAll(): void
  close(): Promise<void>
}

export const startTcpProxy = (targetPort: number) =>
  new Promise<TcpProxy>((resolve) => {
    const pairs = new Set<readonly [Socket, Socket]>()
    const server = createServer((client) => {
      const upstream = createConnection({ host: "127.0.0.1", port: targetPort })
      const pair: readonly [Socket, Socket] = [client, upstream]
      pairs.add(pair)
      client.pipe(upstream)
      upstream.pipe(client)
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
        close: () => new Promise((done) => server.close(() => done()))
      })
    })
  })
