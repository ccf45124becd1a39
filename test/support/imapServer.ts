import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { freePort } from "./ports.ts"
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createConnection } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ImapFlow } from "imapflow"

// A private Dovecot per test (Debian's dovecot-imapd 2.3), on 127.0.0.1, mail kept as Maildir in a
// temporary folder. See shared/reference/imap_and_emails.md §1.

export interface ImapServer {
  readonly host: string
  readonly port: number
  readonly tlsPort: number | undefined
  readonly dir: string
  readonly certFile: string
  readonly user: string
  readonly password: string
  log(): string
  append(raw: string | Buffer, flags?: ReadonlyArray<string>): Promise<number>
  // Many messages over one connection (a backlog).
  appendMany(raws: ReadonlyArray<string | Buffer>): Promise<void>
  flagsOf(uid: number): Promise<ReadonlySet<string>>
  uidValidity(): Promise<number>
  // Every session gets BYE at once (doveadm kick).
  kick(): void
  stop(options?: { readonly keepMail?: boolean }): Promise<void>
  restart(): Promise<ImapServer>
}

// Debian puts dovecot in /usr/sbin, which a non-root PATH may lack.
const dovecot = existsSync("/usr/sbin/dovecot") ? "/usr/sbin/dovecot" : "dovecot"

const running = new Set<ChildProcess>()
let certificateDir: string | undefined
process.once("exit", () => {
  for (const master of running) master.kill("SIGKILL")
  forgetCertificate()
})

let certificate: { readonly cert: string; readonly key: string } | undefined
// Shared by the servers a test file runs at once, and removed when the last one stops: a test
// worker is ended without its "exit" event, so the handler above is only a last resort.
const forgetCertificate = () => {
  if (certificateDir !== undefined) rmSync(certificateDir, { recursive: true, force: true })
  certificateDir = undefined
  certificate = undefined
}
const selfSignedCertificate = () => {
  if (certificate !== undefined) return certificate
  const dir = mkdtempSync(join(tmpdir(), "automated-fanfic-cert-"))
  certificateDir = dir
  const cert = join(dir, "cert.pem")
  const key = join(dir, "key.pem")
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert], { stdio: "ignore" })
  certificate = { cert, key }
  return certificate
}

export { freePort }

const greeting = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port })
    socket.once("data", (data) => {
      socket.destroy()
      resolve(data.toString().startsWith("* OK"))
    })
    socket.once("error", () => resolve(false))
  })

const configText = (dir: string, port: number, tlsPort: number | undefined, cert: { cert: string; key: string }, oauth: string | undefined) => `
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = dovecot-test-${port}
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
auth_verbose = yes
default_internal_user = dovecot
default_login_user = dovenull
default_internal_group = dovecot
disable_plaintext_auth = no
auth_mechanisms = plain login${oauth === undefined ? "" : " xoauth2 oauthbearer"}
auth_failure_delay = 0
ssl = ${tlsPort === undefined ? "no" : "yes"}
${tlsPort === undefined ? "" : `ssl_cert = <${cert.cert}\nssl_key = <${cert.key}`}
${oauth === undefined ? "" : `passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${dir}/oauth2.conf.ext
}`}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=${dir}/mail/%u
}
mail_location = maildir:~/Maildir
mail_fsync = never
mail_max_userip_connections = 100
first_valid_uid = 1
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    address = 127.0.0.1
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

export interface ImapServerOptions {
  readonly tls?: boolean
  readonly port?: number
  readonly tlsPort?: number
  readonly dir?: string
  // An OAuth2 token introspection endpoint: XOAUTH2 logins are checked against it.
  readonly oauthIntrospectionUrl?: string
}

export const startImapServer = async (options: ImapServerOptions = {}): Promise<ImapServer> => {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "automated-fanfic-dovecot-"))
  const user = "alice"
  const password = "alicepass"
  const port = options.port ?? (await freePort())
  const tlsPort = options.tls === true ? (options.tlsPort ?? (await freePort())) : undefined
  const cert = selfSignedCertificate()
  chmodSync(dir, 0o755)
  mkdirSync(join(dir, "mail"), { recursive: true })
  chownSync(join(dir, "mail"), 65534, 65534)
  writeFileSync(join(dir, "users"), `${user}:{PLAIN}${password}\n`)
  const conf = join(dir, "dovecot.conf")
  if (options.oauthIntrospectionUrl !== undefined) {
    writeFileSync(join(dir, "oauth2.conf.ext"), `introspection_mode = post\nintrospection_url = ${options.oauthIntrospectionUrl}\nusername_attribute = username\nactive_attribute = active\nactive_value = true\n`)
  }
  writeFileSync(conf, configText(dir, port, tlsPort, cert, options.oauthIntrospectionUrl))
  const master = spawn(dovecot, ["-F", "-c", conf], { stdio: "ignore" })
  running.add(master)
  let exited = false
  master.once("error", (error) => {
    exited = true
    writeFileSync(join(dir, "dovecot.log"), `cannot start ${dovecot}: ${error.message}; run bash scripts/setup.sh (as root it installs dovecot-imapd)\n`, { flag: "a" })
  })
  master.once("exit", () => {
    exited = true
    running.delete(master)
  })
  const log = () => (existsSync(join(dir, "dovecot.log")) ? readFileSync(join(dir, "dovecot.log"), "utf8") : "")
  const deadline = Date.now() + 10_000
  while (!(await greeting(port))) {
    if (exited || Date.now() > deadline) {
      master.kill("SIGKILL")
      throw new Error(`dovecot did not start on ${port}:\n${log()}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }

  const withClient = async <A>(use: (client: ImapFlow) => Promise<A>): Promise<A> => {
    const client = new ImapFlow({ host: "127.0.0.1", port, secure: false, doSTARTTLS: false, auth: { user, pass: password }, logger: false })
    client.on("error", () => undefined)
    await client.connect()
    try {
      return await use(client)
    } finally {
      await client.logout().catch(() => client.close())
    }
  }

  const server: ImapServer = {
    host: "127.0.0.1", port, tlsPort, dir, certFile: cert.cert, user, password, log,
    append: (raw, flags = []) =>
      withClient(async (client) => {
        const result = await client.append("INBOX", raw, [...flags])
        if (result === false || result.uid === undefined) throw new Error("APPEND gave no uid")
        return result.uid
      }),
    appendMany: (raws) =>
      withClient(async (client) => {
        for (const raw of raws) await client.append("INBOX", raw)
      }),
    flagsOf: (uid) =>
      withClient(async (client) => {
        await client.mailboxOpen("INBOX")
        const message = await client.fetchOne(String(uid), { flags: true }, { uid: true })
        return message === false ? new Set<string>() : (message.flags ?? new Set<string>())
      }),
    uidValidity: () => withClient(async (client) => Number((await client.mailboxOpen("INBOX")).uidValidity)),
    kick: () => {
      execFileSync("doveadm", ["-c", conf, "kick", "*"], { stdio: "ignore" })
    },
    stop: async (stopOptions = {}) => {
      if (!exited) {
        try {
          execFileSync("doveadm", ["-c", conf, "kick", "*"], { stdio: "ignore" })
        } catch {
          // Nobody connected.
        }
        const gone = new Promise((resolve) => master.once("exit", resolve))
        master.kill("SIGTERM")
        await gone
      }
      if (stopOptions.keepMail !== true) rmSync(dir, { recursive: true, force: true })
      if (running.size === 0) forgetCertificate()
    },
    restart: async () => {
      await server.stop({ keepMail: true })
      return startImapServer({ ...options, dir, port, ...(tlsPort === undefined ? {} : { tlsPort }) })
    }
  }
  return server
}
