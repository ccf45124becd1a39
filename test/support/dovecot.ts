import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process"
import {
  chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync
} from "node:fs"
import { createConnection, createServer } from "node:net"
import { tmpdir, userInfo } from "node:os"
import { join } from "node:path"
import { ImapFlow } from "imapflow"

// A private Dovecot (Debian's dovecot-imapd 2.3) on 127.0.0.1, one per call, mail kept as Maildir in
// its own folder: see shared/reference/imap_and_emails.md §1. Nothing here reads /etc/dovecot.
//
// Ways to make the server go away under a client (§1.5): kick() sends BYE at once; killSessions()
// (SIGKILL) drops the session with no BYE; tcpProxy.ts resets or black-holes the connection.
// Do not SIGKILL the master to simulate a crash: its sessions carry on.

export interface DovecotOptions {
  // false (default): `ssl = no`, no STARTTLS. true: STARTTLS on `port` and implicit TLS on `tlsPort`.
  readonly tls?: boolean
  // Logins and their passwords; the first is `user`/`password`. Default { alice: "alicepass" }.
  readonly users?: Readonly<Record<string, string>>
  // Fixed ports, to start again where a server was; otherwise free ones are picked.
  readonly port?: number
  readonly tlsPort?: number
  // A folder a stopped server kept: the new one serves the same mail.
  readonly dir?: string
  // stop() leaves `dir` in place (stop({ keepDir }) decides per call).
  readonly keepDir?: boolean
}

export interface AppendOptions {
  readonly mailbox?: string
  readonly flags?: ReadonlyArray<string>
}

export interface Appended {
  readonly uid: number
  readonly uidValidity: bigint
}

export interface Dovecot {
  readonly host: string
  readonly port: number
  readonly tlsPort: number | undefined
  readonly dir: string
  // The self-signed certificate (PEM file, CN=localhost, SANs localhost and 127.0.0.1) when tls.
  readonly certFile: string | undefined
  readonly user: string
  readonly password: string
  readonly users: Readonly<Record<string, string>>
  // The master's PID; a new one after restart().
  readonly pid: number
  // dovecot.log so far (every start of this folder).
  log(): string
  // Over a short-lived plain connection as the first user. Mailbox default INBOX.
  append(raw: string | Buffer, options?: AppendOptions): Promise<Appended>
  flagsOf(uid: number, mailbox?: string): Promise<Set<string>>
  unseenUids(mailbox?: string): Promise<Array<number>>
  createMailbox(name: string): Promise<void>
  // doveadm kick: every session of `user` (default all) gets `* BYE` at once. Resolves once their
  // processes have exited.
  kick(user?: string): Promise<void>
  // Signals the session (imap) processes, of one user or all, and waits until they are gone. SIGKILL
  // (default) is a crash without BYE; SIGTERM gives BYE like kick(). Resolves with the PIDs.
  killSessions(signal?: NodeJS.Signals, user?: string): Promise<Array<number>>
  // Kicks everyone, SIGTERMs the master and waits for it (about 1 s), then removes `dir` unless kept.
  // Idempotent.
  stop(options?: { readonly keepDir?: boolean }): Promise<void>
  // Stops keeping the mail and starts again on the same ports with the same folder and users.
  // Resolves with this same object, which then talks to the new server.
  restart(): Promise<Dovecot>
}

const dovecotBin = existsSync("/usr/sbin/dovecot") ? "/usr/sbin/dovecot" : "dovecot"
const doveadmBin = existsSync("/usr/bin/doveadm") ? "/usr/bin/doveadm" : "doveadm"
const host = "127.0.0.1"
const isRoot = process.getuid?.() === 0

// ---------------------------------------------------------------------------------------------
// Process bookkeeping

// Masters still running, with what to clean up if the test process dies without stop().
const live = new Map<ChildProcess, { readonly dir: string; readonly keepDir: boolean }>()
let certDir: string | undefined
process.once("exit", () => {
  for (const [master, { dir, keepDir }] of live) {
    const sessions = master.pid === undefined ? [] : sessionPids(master.pid)
    master.kill("SIGKILL")
    for (const pid of sessions) signalPid(pid, "SIGKILL")
    if (!keepDir) rmSync(dir, { recursive: true, force: true })
  }
  if (certDir !== undefined) rmSync(certDir, { recursive: true, force: true })
})

interface ProcStat {
  readonly comm: string
  readonly state: string
  readonly ppid: number
}

// /proc/PID/stat is "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
const procStat = (pid: number): ProcStat | undefined => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8")
    const open = text.indexOf("(")
    const close = text.lastIndexOf(")")
    const [state, ppid] = text.slice(close + 2).split(" ")
    if (state === undefined || ppid === undefined) return undefined
    return { comm: text.slice(open + 1, close), state, ppid: Number(ppid) }
  } catch {
    return undefined
  }
}

const alive = (pid: number) => {
  const stat = procStat(pid)
  return stat !== undefined && stat.state !== "Z" && stat.state !== "X"
}

// The session processes: Dovecot's master forks one `imap` per logged-in connection.
const sessionPids = (masterPid: number): Array<number> =>
  readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      const stat = procStat(pid)
      return stat !== undefined && stat.ppid === masterPid && stat.comm === "imap" && stat.state !== "Z"
    })

const signalPid = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(pid, signal)
  } catch {
    // Already gone.
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const waitGone = async (pids: ReadonlyArray<number>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  while (pids.some(alive) && Date.now() < deadline) await sleep(10)
  return pids.filter(alive)
}

const run = (file: string, args: ReadonlyArray<string>) =>
  new Promise<{ readonly code: number; readonly output: string }>((resolve) => {
    execFile(file, [...args], (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, output: `${stdout}${stderr}` })
    })
  })

// ---------------------------------------------------------------------------------------------
// Certificate, ports, readiness

interface Certificate {
  readonly cert: string
  readonly key: string
}

// One RSA-2048 keygen costs about 0.5 s, so it happens once per test process.
let certificate: Promise<Certificate> | undefined
const selfSignedCertificate = () => {
  certificate ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "automated-fanfic-cert-"))
    certDir = dir
    const cert = join(dir, "cert.pem")
    const key = join(dir, "key.pem")
    const result = await run("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert
    ])
    if (result.code !== 0) throw new Error(`openssl could not make the test certificate:\n${result.output}`)
    return { cert, key }
  })()
  return certificate
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

// True once the port answers with Dovecot's `* OK` greeting line.
const greets = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host, port })
    let text = ""
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1_000, () => done(false))
    socket.on("data", (data) => {
      text += data.toString("latin1")
      if (text.includes("\n")) done(text.startsWith("* OK"))
    })
    socket.once("error", () => done(false))
    socket.once("close", () => done(false))
  })

// ---------------------------------------------------------------------------------------------
// Configuration

interface Settings {
  readonly dir: string
  readonly port: number
  readonly tlsPort: number | undefined
  readonly cert: Certificate | undefined
  readonly users: Readonly<Record<string, string>>
}

const conf = (dir: string) => join(dir, "dovecot.conf")
const logFile = (dir: string) => join(dir, "dovecot.log")

// As root the mail processes run as nobody and the helpers as Debian's dovecot/dovenull users;
// otherwise everything runs as the invoking user (§1.2, rootless variant).
const identity = () => {
  if (isRoot) return { internalUser: "dovecot", loginUser: "dovenull", internalGroup: "dovecot", uid: 65534, gid: 65534 }
  const user = userInfo().username
  const group = execFileSync("id", ["-gn"], { encoding: "utf8" }).trim()
  return { internalUser: user, loginUser: user, internalGroup: group, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 }
}

const configText = ({ dir, port, tlsPort, cert }: Settings) => {
  const who = identity()
  return `# generated by test/support/dovecot.ts (Dovecot 2.3)
protocols = imap
listen = ${host}
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = dovecot-test-${port}
log_path = ${logFile(dir)}
info_log_path = ${logFile(dir)}
auth_verbose = yes
default_internal_user = ${who.internalUser}
default_login_user = ${who.loginUser}
default_internal_group = ${who.internalGroup}
disable_plaintext_auth = no
auth_mechanisms = plain login
# no 2 s delay after a failed login, no growing per-IP penalty: tests log in wrongly on purpose
auth_failure_delay = 0
ssl = ${cert === undefined ? "no" : "yes"}
${cert === undefined ? "" : `ssl_cert = <${cert.cert}\nssl_key = <${cert.key}`}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${who.uid} gid=${who.gid} home=${dir}/mail/%u
}
mail_location = maildir:~/Maildir
mail_fsync = never
# the default 10 per user+IP gives NO [LIMIT] to a suite that opens more
mail_max_userip_connections = 100
first_valid_uid = 1
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  chroot =
  inet_listener imap {
    address = ${host}
    port = ${port}
  }
  inet_listener imaps {
    address = ${host}
    port = ${tlsPort ?? 0}
    ssl = yes
  }
}
service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`
}

const usersText = (users: Readonly<Record<string, string>>) =>
  Object.entries(users)
    .map(([name, password]) => {
      if (/[:\s]/.test(name) || /[:\n]/.test(password)) throw new Error(`unusable test login ${JSON.stringify(name)}`)
      return `${name}:{PLAIN}${password}\n`
    })
    .join("")

// ---------------------------------------------------------------------------------------------
// One running master

interface Instance {
  readonly master: ChildProcess
  readonly pid: number
  readonly exited: Promise<void>
  hasExited(): boolean
}

const readText = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : "")

class StartFailure extends Error {
  readonly portTaken: boolean
  constructor(message: string, portTaken: boolean) {
    super(message)
    this.portTaken = portTaken
  }
}

const launch = async (settings: Settings, keepDir: boolean): Promise<Instance> => {
  const { dir, port, tlsPort } = settings
  writeFileSync(join(dir, "users"), usersText(settings.users))
  writeFileSync(conf(dir), configText(settings))
  const logStart = existsSync(logFile(dir)) ? statSync(logFile(dir)).size : 0
  const stderrFile = join(dir, "dovecot.stderr")
  const stderr = openSync(stderrFile, "w")
  const master = spawn(dovecotBin, ["-F", "-c", conf(dir)], { stdio: ["ignore", "ignore", stderr] })
  closeSync(stderr)
  let exited = false
  let spawnError: Error | undefined
  const exitedPromise = new Promise<void>((resolve) => {
    master.once("exit", () => {
      exited = true
      live.delete(master)
      resolve()
    })
    master.once("error", (error) => {
      spawnError = error
      exited = true
      live.delete(master)
      resolve()
    })
  })
  if (master.pid !== undefined) live.set(master, { dir, keepDir })
  const failure = (what: string) => {
    const log = readText(logFile(dir)).slice(logStart)
    const portTaken = log.includes("Address already in use")
    const cause = spawnError === undefined ? "" : `cannot run ${dovecotBin}: ${spawnError.message}; run bash scripts/setup.sh (as root it installs dovecot-imapd)\n`
    return new StartFailure(`dovecot ${what} (port ${port}${tlsPort === undefined ? "" : `, TLS port ${tlsPort}`}):\n${cause}${readText(stderrFile)}${log}`, portTaken)
  }

  // Ready: the port greets and our own master logged that it is up. The second check keeps a
  // greeting from some other server that took the port in the meantime from counting.
  const deadline = Date.now() + 10_000
  for (;;) {
    if (exited) throw failure("exited during start-up")
    if ((await greets(port)) && readText(logFile(dir)).slice(logStart).includes("starting up") && !exited) break
    if (Date.now() > deadline) {
      master.kill("SIGKILL")
      await exitedPromise
      throw failure("did not greet within 10 s")
    }
    await sleep(10)
  }
  const pid = master.pid
  if (pid === undefined) throw failure("has no PID")
  return { master, pid, exited: exitedPromise, hasExited: () => exited }
}

const kickAll = async (dir: string, user: string) => {
  const result = await run(doveadmBin, ["-c", conf(dir), "kick", user])
  // With nobody to kick doveadm says "no users kicked" and exits 68: not a failure for a test.
  if (result.code !== 0 && !(result.code === 68 && result.output.includes("no users kicked"))) {
    throw new Error(`doveadm kick ${user} failed (${result.code}): ${result.output}`)
  }
}

const shutdown = async (instance: Instance, dir: string) => {
  if (instance.hasExited()) return
  await kickAll(dir, "*").catch(() => undefined)
  // Kicked sessions may still be on their way out; SIGTERM to the master would orphan them
  // for 10 to 30 s (§1.5), so whatever is left gets SIGKILL once the master is gone.
  const sessions = sessionPids(instance.pid)
  instance.master.kill("SIGTERM")
  const timedOut = await Promise.race([instance.exited.then(() => false), sleep(10_000).then(() => true)])
  if (timedOut) {
    instance.master.kill("SIGKILL")
    await instance.exited
  }
  for (const pid of sessions) if (alive(pid)) signalPid(pid, "SIGKILL")
  await waitGone(sessions, 5_000)
}

// ---------------------------------------------------------------------------------------------

export const startDovecot = async (options: DovecotOptions = {}): Promise<Dovecot> => {
  const users = options.users ?? { alice: "alicepass" }
  const first = Object.entries(users)[0]
  if (first === undefined) throw new Error("startDovecot needs at least one user")
  const [user, password] = first
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "automated-fanfic-dovecot-"))
  const keepDirDefault = options.keepDir === true
  const cert = options.tls === true ? await selfSignedCertificate() : undefined

  // mkdtemp makes the folder 0700, and the mail processes run as nobody.
  chmodSync(dir, 0o755)
  for (const sub of ["run", "state", "mail"]) mkdirSync(join(dir, sub), { recursive: true })
  if (isRoot) chownSync(join(dir, "mail"), 65534, 65534)

  // A free port can be taken by another process before Dovecot binds it: then try new ones.
  const start = async (fixed: { readonly port?: number | undefined; readonly tlsPort?: number | undefined }) => {
    for (let attempt = 1; ; attempt++) {
      const port = fixed.port ?? (await freePort())
      let tlsPort = cert === undefined ? undefined : (fixed.tlsPort ?? (await freePort()))
      while (tlsPort === port && fixed.tlsPort === undefined) tlsPort = await freePort()
      try {
        const instance = await launch({ dir, port, tlsPort, cert, users }, keepDirDefault)
        return { instance, port, tlsPort }
      } catch (error) {
        const fixedPorts = fixed.port !== undefined && (cert === undefined || fixed.tlsPort !== undefined)
        if (!(error instanceof StartFailure && error.portTaken) || fixedPorts || attempt >= 3) throw error
      }
    }
  }

  const started = await start({ port: options.port, tlsPort: options.tlsPort }).catch((error: unknown) => {
    if (options.dir === undefined && !keepDirDefault) rmSync(dir, { recursive: true, force: true })
    throw error
  })
  let instance = started.instance
  const port = started.port
  const tlsPort = started.tlsPort
  let stopped = false

  const withClient = async <A>(use: (client: ImapFlow) => Promise<A>): Promise<A> => {
    const client = new ImapFlow({ host, port, secure: false, doSTARTTLS: false, auth: { user, pass: password }, logger: false })
    client.on("error", () => undefined)
    await client.connect()
    try {
      return await use(client)
    } finally {
      await client.logout().catch(() => client.close())
    }
  }

  // The session processes, of one user (by the mpid= of its logins in the log) or all.
  const sessionsOf = (of: string | undefined) => {
    const pids = sessionPids(instance.pid)
    if (of === undefined) return pids
    const mine = new Set(
      [...readText(logFile(dir)).matchAll(/Login: user=<([^>]*)>.*?\bmpid=(\d+)/g)]
        .filter((match) => match[1] === of)
        .map((match) => Number(match[2]))
    )
    return pids.filter((pid) => mine.has(pid))
  }

  const stop = async (stopOptions: { readonly keepDir?: boolean } = {}) => {
    if (stopped) return
    stopped = true
    await shutdown(instance, dir)
    if (!(stopOptions.keepDir ?? keepDirDefault)) rmSync(dir, { recursive: true, force: true })
  }

  const server: Dovecot = {
    host, port, tlsPort, dir, certFile: cert?.cert, user, password, users,
    get pid() {
      return instance.pid
    },
    log: () => readText(logFile(dir)),
    append: (raw, appendOptions = {}) =>
      withClient(async (client) => {
        const mailbox = appendOptions.mailbox ?? "INBOX"
        const result = await client.append(mailbox, raw, [...(appendOptions.flags ?? [])])
        if (result === false || result.uid === undefined || result.uidValidity === undefined) {
          throw new Error(`APPEND to ${mailbox} gave no APPENDUID: ${JSON.stringify(result, (_, value) => typeof value === "bigint" ? String(value) : value)}`)
        }
        return { uid: result.uid, uidValidity: result.uidValidity }
      }),
    flagsOf: (uid, mailbox = "INBOX") =>
      withClient(async (client) => {
        // EXAMINE: looking must not change what the code under test sees (\Recent).
        await client.mailboxOpen(mailbox, { readOnly: true })
        const message = await client.fetchOne(String(uid), { flags: true }, { uid: true })
        if (message === false) throw new Error(`no message with UID ${uid} in ${mailbox}`)
        return new Set(message.flags ?? [])
      }),
    unseenUids: (mailbox = "INBOX") =>
      withClient(async (client) => {
        await client.mailboxOpen(mailbox, { readOnly: true })
        const uids = await client.search({ seen: false }, { uid: true })
        if (!Array.isArray(uids)) throw new Error(`SEARCH UNSEEN in ${mailbox} failed`)
        return [...uids].sort((a, b) => a - b)
      }),
    createMailbox: (name) =>
      withClient(async (client) => {
        await client.mailboxCreate(name)
      }),
    kick: async (kicked = "*") => {
      const pids = sessionsOf(kicked === "*" ? undefined : kicked)
      await kickAll(dir, kicked)
      // The client has its BYE by now, but the process may still be on its way out.
      await waitGone(pids, 5_000)
    },
    killSessions: async (signal = "SIGKILL", of) => {
      const pids = sessionsOf(of)
      for (const pid of pids) signalPid(pid, signal)
      const left = await waitGone(pids, 5_000)
      if (left.length > 0) throw new Error(`session processes ${left.join(", ")} survived ${signal}`)
      return pids
    },
    stop,
    restart: async () => {
      if (stopped) throw new Error("restart() after stop()")
      await shutdown(instance, dir)
      instance = (await start({ port, tlsPort })).instance
      return server
    }
  }
  return server
}
