// Mail intake against a real Dovecot (started here, as in the tests):
//   node_modules/.bin/node bench/mailIntake.ts [messages=60] [backlog=1000]
// 1. latency: the daemon's ImapSource is connected and idle; a message is APPENDed from another
//    connection; the time from the APPEND's completion to the commit of its job (p50, p95).
// 2. backlog: that many messages wait in the mailbox; one check (`once`) reads, commits and flags
//    them all: messages per second, and the process's RSS before and after.
// The links are AO3's, which our own rules read, so no FanFicFare normalisation call is made.
// Targets (issue 6): p50 < 1 s; backlog ≥ 50 messages/s.
import { Effect, Fiber } from "effect"
import { ImapSource } from "../src/mail/ImapSource.ts"
import { startImapServer } from "../test/support/imapServer.ts"
import { intakeRuntime, mailToml, updateMail } from "../test/support/mailIntake.ts"

const messages = Number(process.argv[2] ?? 60)
const backlog = Number(process.argv[3] ?? 1000)
const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
const rssMb = () => Math.round((process.memoryUsage().rss / 1024 / 1024) * 10) / 10

const latency = async () => {
  const server = await startImapServer()
  const runtime = intakeRuntime(mailToml(server, { sleep_time: 3600 }))
  let commits = 0
  const committed: Array<number> = []
  const fiber = runtime.runFork(Effect.gen(function* () {
    return yield* (yield* ImapSource).run(Effect.sync(() => {
      commits++
      committed.push(performance.now())
    }))
  }))
  while (!server.log().includes("Login: user=<alice>")) await new Promise((resolve) => setTimeout(resolve, 20))
  await new Promise((resolve) => setTimeout(resolve, 500))
  const samples: Array<number> = []
  for (let index = 0; index < messages; index++) {
    const before = commits
    await server.append(updateMail(index, `https://archiveofourown.org/works/${800_000 + index}`))
    const appended = performance.now()
    const deadline = appended + 30_000
    while (commits === before && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2))
    const at = committed[committed.length - 1]
    samples.push(commits === before || at === undefined ? Infinity : at - appended)
  }
  await runtime.runPromise(Fiber.interrupt(fiber))
  await runtime.dispose()
  await server.stop()
  const sorted = [...samples].sort((a, b) => a - b)
  console.log(`latency APPEND → committed job over ${messages} messages (IDLE): p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, max ${percentile(sorted, 100).toFixed(0)} ms`)
}

const throughput = async () => {
  const server = await startImapServer()
  await server.appendMany(Array.from({ length: backlog }, (_, index) => updateMail(index, `https://archiveofourown.org/works/${900_000 + index}`)))
  const runtime = intakeRuntime(mailToml(server))
  const rssBefore = rssMb()
  const started = performance.now()
  const summary = await runtime.runPromise(Effect.gen(function* () {
    return yield* (yield* ImapSource).checkOnce
  }))
  const seconds = (performance.now() - started) / 1000
  console.log(`backlog: ${summary.messages} messages, ${summary.queued} jobs in ${seconds.toFixed(2)} s = ${(summary.messages / seconds).toFixed(0)} messages/s; RSS ${rssBefore} → ${rssMb()} MB`)
  await runtime.dispose()
  await server.stop()
}

await latency()
await throughput()
