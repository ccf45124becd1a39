import { Effect, Schema, SchemaGetter } from "effect"

// The TOML file's shape. Sections and keys of AutomatedFanfic's config.toml keep their names,
// types, bounds and defaults; the `fanficfare`, `sites` and `data` sections are this tool's own.

const withDefault = <S extends Schema.Top>(schema: S, value: S["Encoded"]) =>
  schema.pipe(Schema.withDecodingDefaultKey(Effect.succeed(value)))

const Bounded = (schema: Schema.Number | Schema.Int, minimum: number, maximum: number) =>
  schema.pipe(Schema.check(Schema.isBetween({ minimum, maximum })))

const Secret = Schema.RedactedFromValue(Schema.String)

// AutomatedFanfic trims the list and drops empty entries rather than rejecting them.
const TrimmedList = <S extends Schema.Top>(item: S) =>
  Schema.Array(Schema.String).pipe(
    Schema.decodeTo(Schema.Array(Schema.String), {
      decode: SchemaGetter.transform((values: ReadonlyArray<string>) =>
        values.map((value) => value.trim()).filter((value) => value.length > 0)
      ),
      encode: SchemaGetter.passthrough()
    }),
    Schema.decodeTo(Schema.Array(item))
  )

export const UpdateMethod = Schema.Literals(["update", "update_always", "force", "update_no_force"])
export type UpdateMethod = typeof UpdateMethod.Type

export const MetadataPreservationMode = Schema.Literals(["remove_add", "preserve_metadata", "add_format"])
export type MetadataPreservationMode = typeof MetadataPreservationMode.Type

// How the library is reached: one long-lived calibre process (session; a local library it holds
// only while there is work), or one calibredb process per call (calibredb, the fallback).
const LibraryAccess = Schema.Literals(["session", "calibredb"])

const MailSecurity = Schema.Literals(["tls", "starttls", "plain"])
type MailSecurity = typeof MailSecurity.Type

// When a handled message gets \Seen: once its stories are safely queued, once every one of them
// succeeded, or never.
export const MarkRead = Schema.Literals(["on_queue", "on_success", "never"])
export type MarkRead = typeof MarkRead.Type

const EmailSection = Schema.Struct({
  email: withDefault(Schema.Trim, ""),
  password: withDefault(Secret, ""),
  server: withDefault(Schema.Trim, ""),
  mailbox: withDefault(Schema.String, "INBOX"),
  sleep_time: withDefault(Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1))), 60),
  disabled_sites: withDefault(TrimmedList(Schema.String), []),
  // AutomatedFanfic only speaks implicit TLS on 993; the rest is this tool's own.
  security: withDefault(MailSecurity, "tls"),
  // Empty: 993 for tls, 143 for starttls and plain.
  port: Schema.optionalKey(Bounded(Schema.Int, 1, 65535)),
  // A PEM certificate to trust besides the system's (a self-signed server, a private CA).
  tls_ca_file: withDefault(Schema.Trim, ""),
  // OAuth2 (XOAUTH2) instead of the password: a token, or a command printing a fresh one.
  access_token: withDefault(Secret, ""),
  access_token_command: withDefault(Schema.Trim, ""),
  mark_read: withDefault(MarkRead, "on_queue"),
  // Legacy: folded into disabled_sites by the loader before decoding; kept so old files load.
  ffnet_disable: Schema.optionalKey(Schema.Boolean)
})

const CalibreSection = Schema.Struct({
  path: withDefault(Schema.Trim, ""),
  username: withDefault(Schema.Trim, ""),
  password: withDefault(Secret, ""),
  default_ini: withDefault(Schema.Trim, ""),
  personal_ini: withDefault(Schema.Trim, ""),
  update_method: withDefault(UpdateMethod, "update"),
  metadata_preservation_mode: withDefault(MetadataPreservationMode, "remove_add"),
  library_access: withDefault(LibraryAccess, "session")
})

const PushbulletSection = Schema.Struct({
  enabled: withDefault(Schema.Boolean, false),
  api_key: withDefault(Secret, ""),
  device: withDefault(Schema.Trim, "")
})

const AppriseSection = Schema.Struct({
  // Apprise URLs carry tokens and passwords, so each one is a secret.
  urls: withDefault(TrimmedList(Secret), [])
})

const RetrySection = Schema.Struct({
  hail_mary_enabled: withDefault(Schema.Boolean, true),
  hail_mary_wait_hours: withDefault(Bounded(Schema.Number, 0.1, 168), 12),
  max_normal_retries: withDefault(Bounded(Schema.Int, 1, 50), 11),
  // Sites often mail before the new chapter is visible: "nothing new" after an email-triggered
  // run is checked again this many times, this many minutes apart.
  nothing_new_rechecks: withDefault(Bounded(Schema.Int, 0, 10), 3),
  nothing_new_recheck_minutes: withDefault(Bounded(Schema.Number, 1, 1440), 10)
})

const ProcessSection = Schema.Struct({
  shutdown_timeout: withDefault(Bounded(Schema.Number, 1, 300), 30),
  health_check_interval: withDefault(Bounded(Schema.Number, 0.1, 600), 60),
  auto_restart: withDefault(Schema.Boolean, true),
  max_restart_attempts: withDefault(Bounded(Schema.Int, 0, 10), 3),
  restart_delay: withDefault(Bounded(Schema.Number, 0, 60), 5),
  enable_monitoring: withDefault(Schema.Boolean, true),
  worker_timeout: Schema.optionalKey(Schema.Number.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(30)))),
  signal_timeout: withDefault(Bounded(Schema.Number, 1, 60), 10)
})

const WebSection = Schema.Struct({
  enabled: withDefault(Schema.Boolean, false),
  // AutomatedFanfic binds every interface by default; this tool listens on loopback unless told otherwise.
  host: withDefault(Schema.Trim, "127.0.0.1"),
  port: withDefault(Bounded(Schema.Int, 1, 65535), 8080),
  history_db_path: withDefault(Schema.Trim, ""),
  // Needed by every request that changes something, and for any host other than loopback.
  token: withDefault(Secret, "")
})

const FanFicFareSection = Schema.Struct({
  // Empty means the project's own virtualenv, then `fanficfare` on PATH.
  path: withDefault(Schema.Trim, ""),
  // The Python that imports FanFicFare, for reading story links. Empty: the one next to the
  // fanficfare program, else the one its first line names.
  python: withDefault(Schema.Trim, ""),
  // Real sites sleep 4–12 s per request, so a long story needs many minutes.
  timeout_seconds: withDefault(Bounded(Schema.Number, 10, 86_400), 3600)
})

const SitesSection = Schema.Struct({
  // Site-level failures in a row (rate limit, block, outage, unreachable) that pause a site.
  breaker_failures: withDefault(Bounded(Schema.Int, 1, 20), 2),
  // The first pause; each re-opening doubles it, up to breaker_max_cooldown_minutes.
  breaker_cooldown_minutes: withDefault(Bounded(Schema.Number, 0.1, 1440), 5),
  breaker_max_cooldown_minutes: withDefault(Bounded(Schema.Number, 1, 10_080), 360),
  // Downloads from one site at the same time; a site not listed gets one.
  concurrency: withDefault(Schema.Record(Schema.String, Bounded(Schema.Int, 1, 8)), {})
})

const NotificationsSection = Schema.Struct({
  // Events this close together go out as one message per target (0: each at once).
  digest_seconds: withDefault(Bounded(Schema.Number, 0, 3600), 30),
  // Also tell when an update found no new chapter.
  nothing_new: withDefault(Schema.Boolean, false),
  // Tries after the first failed one, per target and message, 2 s, 4 s, 8 s … apart.
  retries: withDefault(Bounded(Schema.Int, 0, 10), 3),
  timeout_seconds: withDefault(Bounded(Schema.Number, 1, 120), 15),
  // The services with one fixed address, changeable for a proxy or a compatible server.
  pushbullet_api: withDefault(Schema.Trim, "https://api.pushbullet.com"),
  discord_api: withDefault(Schema.Trim, "https://discord.com"),
  telegram_api: withDefault(Schema.Trim, "https://api.telegram.org")
})

// A reading list: a page FanFicFare's --list reads story links from (bookmarks, series, author
// pages). With add_new = false only stories already in the library are followed.
export const ReadingList = Schema.Union([
  Schema.Trim,
  Schema.Struct({ url: Schema.Trim, add_new: withDefault(Schema.Boolean, true) })
])
export type ReadingList = typeof ReadingList.Type

// Sources besides the mailbox that keep the library current. Each runs on its own schedule; 0 turns it off.
const WatchSection = Schema.Struct({
  // In-Progress stories not checked or updated for this long are checked (0: no sweep).
  library_sweep_hours: withDefault(Bounded(Schema.Number, 0, 8760), 0),
  // Completed stories are checked this rarely (0: never).
  completed_sweep_days: withDefault(Bounded(Schema.Number, 0, 3650), 30),
  // Calibre books the store does not know are read in at start-up and then this often (0: only `import`).
  import_hours: withDefault(Bounded(Schema.Number, 0, 8760), 24),
  lists: withDefault(Schema.Array(ReadingList), []),
  list_hours: withDefault(Bounded(Schema.Number, 0.01, 8760), 24),
  // RSS or Atom feeds whose items link stories or chapters.
  feeds: withDefault(TrimmedList(Schema.String), []),
  feed_minutes: withDefault(Bounded(Schema.Number, 0.1, 10_080), 60)
})

const DataSection = Schema.Struct({
  // Empty means $XDG_DATA_HOME/automated-fanfic (or ~/.local/share/automated-fanfic).
  dir: withDefault(Schema.Trim, "")
})

export const ConfigFile = Schema.Struct({
  max_workers: withDefault(Bounded(Schema.Int, 1, 64), 4),
  version: Schema.optionalKey(Schema.String),
  email: withDefault(EmailSection, {}),
  calibre: withDefault(CalibreSection, {}),
  pushbullet: withDefault(PushbulletSection, {}),
  apprise: withDefault(AppriseSection, {}),
  retry: withDefault(RetrySection, {}),
  process: withDefault(ProcessSection, {}),
  web: withDefault(WebSection, {}),
  fanficfare: withDefault(FanFicFareSection, {}),
  sites: withDefault(SitesSection, {}),
  notifications: withDefault(NotificationsSection, {}),
  watch: withDefault(WatchSection, {}),
  data: withDefault(DataSection, {})
})
export type ConfigFile = typeof ConfigFile.Type

// AutomatedFanfic keys that load fine but change nothing here; the loader warns about them by name.
export const unusedKeys: ReadonlyArray<string> = [
  "version",
  "process.health_check_interval",
  "process.enable_monitoring",
  "process.signal_timeout"
]
