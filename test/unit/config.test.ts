import { describe, expect, it } from "@effect/vitest"
import { Redacted, Result } from "effect"
import { readFileSync } from "node:fs"
import type { ConfigError } from "../../src/config/ConfigError.ts"
import { catalogue, interpretConfig, type LoadedConfig } from "../../src/config/interpret.ts"
import { missingForMail, renderEffectiveConfig } from "../../src/config/renderConfig.ts"
import { anchorConfigPath } from "../support/paths.ts"

const load = (text: string, environment: Record<string, string> = {}): LoadedConfig => {
  const result = interpretConfig(text, "config.toml", environment)
  if (Result.isFailure(result)) throw new Error(`expected a valid config, got:\n${result.failure.message}`)
  return result.success
}

const problemsOf = (text: string, environment: Record<string, string> = {}): ConfigError => {
  const result = interpretConfig(text, "config.toml", environment)
  if (Result.isSuccess(result)) throw new Error("expected configuration problems, got a valid config")
  return result.failure
}

describe("AutomatedFanfic's shipped config.toml", () => {
  const config = load(readFileSync(anchorConfigPath, "utf8"))

  it("loads with AutomatedFanfic's values and defaults", () => {
    const values = config.values
    expect(values.email.mailbox).toBe("INBOX")
    expect(values.email.sleep_time).toBe(60)
    expect(values.email.disabled_sites).toEqual([])
    expect(values.calibre.update_method).toBe("update")
    expect(values.calibre.metadata_preservation_mode).toBe("remove_add")
    expect(values.pushbullet.enabled).toBe(false)
    expect(values.retry).toEqual({ hail_mary_enabled: true, hail_mary_wait_hours: 12, max_normal_retries: 11, nothing_new_rechecks: 3, nothing_new_recheck_minutes: 10 })
    expect(values.sites).toEqual({ breaker_failures: 2, breaker_cooldown_minutes: 5, breaker_max_cooldown_minutes: 360, concurrency: {} })
    expect(values.process.shutdown_timeout).toBe(30)
    expect(values.process.max_restart_attempts).toBe(3)
    expect(values.web.host).toBe("0.0.0.0")
    expect(values.web.port).toBe(8080)
    expect(values.web.history_db_path).toBe("/data/history.db")
  })

  it("warns by name about the keys that have no effect here", () => {
    expect(config.warnings.join("\n")).toContain("process.signal_timeout")
    expect(config.warnings.join("\n")).toContain("process.health_check_interval")
  })
})

describe("defaults", () => {
  it("an empty file gives every default, including this tool's own sections", () => {
    const values = load("").values
    expect(values.max_workers).toBe(4)
    expect(values.web.host).toBe("127.0.0.1")
    expect(values.fanficfare.timeout_seconds).toBe(3600)
    expect(Redacted.value(values.email.password)).toBe("")
  })
})

describe("config problems", () => {
  it("a TOML syntax error names the line and column", () => {
    const error = problemsOf("[email]\nserver = \"imap.example.com\"\nsleep_time = \n")
    expect(error.problems).toHaveLength(1)
    expect(error.problems[0]?.line).toBe(3)
    expect(error.problems[0]?.column).toBeGreaterThan(0)
    expect(error.message).toMatch(/config\.toml:3:\d+: TOML syntax error/)
  })

  it("reports every wrong type and out-of-range number at once, with key, line, expectation and value", () => {
    const error = problemsOf([
      "max_workers = 0",
      "[email]",
      "sleep_time = \"often\"",
      "[retry]",
      "hail_mary_wait_hours = 500.0",
      "max_normal_retries = 0",
      "[process]",
      "max_restart_attempts = 11",
      "[web]",
      "port = 70000"
    ].join("\n"))
    const byKey = new Map(error.problems.map((p) => [p.key, p]))
    expect([...byKey.keys()].sort()).toEqual([
      "email.sleep_time", "max_workers", "process.max_restart_attempts", "retry.hail_mary_wait_hours",
      "retry.max_normal_retries", "web.port"
    ])
    expect(byKey.get("email.sleep_time")).toMatchObject({ line: 3, message: "expected number, found \"often\"" })
    expect(byKey.get("retry.hail_mary_wait_hours")).toMatchObject({ line: 5, message: "expected a value between 0.1 and 168, found 500" })
    expect(byKey.get("web.port")?.message).toBe("expected a value between 1 and 65535, found 70000")
    expect(byKey.get("max_workers")?.line).toBe(1)
  })

  it("an unknown key is an error with a did-you-mean", () => {
    const error = problemsOf("[email]\nsleeptime = 30\n")
    expect(error.problems).toEqual([
      { key: "email.sleeptime", source: "config.toml", line: 2, message: "unknown key in [email]; did you mean \"sleep_time\"?" }
    ])
  })

  it("an unknown section is an error too", () => {
    const error = problemsOf("[emial]\nserver = \"x\"\n")
    expect(error.problems[0]).toMatchObject({ key: "emial", line: 1 })
    expect(error.problems[0]?.message).toContain("did you mean \"email\"")
  })

  it("an unknown enum value lists what is allowed", () => {
    const error = problemsOf("[calibre]\nupdate_method = \"sometimes\"\n")
    expect(error.problems[0]?.key).toBe("calibre.update_method")
    expect(error.problems[0]?.message).toContain("update_always")
  })

  it("pushbullet enabled without an api_key is refused", () => {
    const error = problemsOf("[pushbullet]\nenabled = true\n")
    expect(error.problems[0]?.key).toBe("pushbullet.api_key")
  })

  it("never prints a secret that has the wrong type", () => {
    const error = problemsOf("[email]\npassword = 123456789\n")
    expect(error.problems[0]?.key).toBe("email.password")
    expect(error.message).not.toContain("123456789")
  })
})

describe("legacy ffnet_disable", () => {
  it("true becomes disabled_sites = [\"fanfiction\"] with a warning", () => {
    const config = load("[email]\nffnet_disable = true\n")
    expect(config.values.email.disabled_sites).toEqual(["fanfiction"])
    expect(config.warnings.join("\n")).toContain("ffnet_disable is deprecated")
  })

  it("is ignored when disabled_sites is set", () => {
    const config = load("[email]\nffnet_disable = true\ndisabled_sites = [\"wattpad\"]\n")
    expect(config.values.email.disabled_sites).toEqual(["wattpad"])
  })
})

describe("FFDL_ environment overrides", () => {
  it("FFDL_MAX_WORKERS reaches the top-level key", () => {
    expect(load("", { FFDL_MAX_WORKERS: "8" }).values.max_workers).toBe(8)
  })

  it("both FFDL_SECTION__KEY and FFDL_SECTION_KEY forms work", () => {
    expect(load("", { FFDL_RETRY__HAIL_MARY_WAIT_HOURS: "2.5" }).values.retry.hail_mary_wait_hours).toBe(2.5)
    expect(load("", { FFDL_RETRY_HAIL_MARY_WAIT_HOURS: "3" }).values.retry.hail_mary_wait_hours).toBe(3)
  })

  it("a password of digits stays text and stays secret", () => {
    const config = load("", { FFDL_EMAIL_PASSWORD: "12345" })
    expect(Redacted.value(config.values.email.password)).toBe("12345")
    expect(JSON.stringify(config.values)).not.toContain("12345")
  })

  it("comma lists are split, trimmed and emptied of blanks", () => {
    expect(load("", { FFDL_EMAIL_DISABLED_SITES: "fanfiction, wattpad,," }).values.email.disabled_sites)
      .toEqual(["fanfiction", "wattpad"])
  })

  it("overrides win over the file and may create a section", () => {
    const config = load("[email]\nserver = \"file.example\"\n", { FFDL_EMAIL_SERVER: "env.example", FFDL_CALIBRE_PATH: "/books" })
    expect(config.values.email.server).toBe("env.example")
    expect(config.values.calibre.path).toBe("/books")
  })

  it("a bad value names the variable and what it expected", () => {
    const error = problemsOf("", { FFDL_MAX_WORKERS: "lots", FFDL_WEB__ENABLED: "yes" })
    expect(error.problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ key: "FFDL_MAX_WORKERS", source: "environment", message: "max_workers: expected a number, found \"lots\"" }),
      expect.objectContaining({ key: "FFDL_WEB__ENABLED", message: "web.enabled: expected true or false, found \"yes\"" })
    ]))
  })

  it("an override out of range is reported like a file value", () => {
    const error = problemsOf("", { FFDL_RETRY__MAX_NORMAL_RETRIES: "99" })
    expect(error.problems[0]).toMatchObject({ key: "retry.max_normal_retries" })
  })

  it("an unknown variable gets a did-you-mean", () => {
    const error = problemsOf("", { FFDL_EMAIL_SLEEPTIME: "5" })
    expect(error.problems[0]?.message).toContain("did you mean FFDL_EMAIL__SLEEP_TIME?")
  })
})

describe("effective configuration output", () => {
  it("masks every secret but shows which are empty", () => {
    const config = load([
      "[email]", "password = \"hunter2\"",
      "[apprise]", "urls = [\"pbul://o.token123\", \"  \"]",
      "[pushbullet]", "enabled = true", "api_key = \"pb-secret\""
    ].join("\n"))
    const text = renderEffectiveConfig(config)
    for (const secret of ["hunter2", "token123", "pb-secret"]) expect(text).not.toContain(secret)
    expect(text).toContain("password = \"<redacted>\"")
    expect(text).toContain("urls = [ \"<redacted>\" ]")
    expect(text).toMatch(/\[calibre\][\s\S]*password = ""/)
  })

  it("names the empty keys the mailbox modes still need", () => {
    expect(missingForMail(load("[email]\nserver = \"imap.example.com\"\n"))).toEqual(["email.email", "email.password (or access_token / access_token_command)", "calibre.path"])
  })
})

describe("config.example.toml", () => {
  const text = readFileSync(new URL("../../config.example.toml", import.meta.url), "utf8")

  it("loads as it is", () => {
    expect(load(text).values.max_workers).toBe(4)
  })

  it("documents every key the schema knows", () => {
    const undocumented = catalogue
      .filter((entry) => entry.kind !== "section")
      .filter((entry) => {
        const [section, key] = entry.path.includes(".") ? entry.path.split(".") : ["", entry.path]
        const sectionText = section === "" ? text.split(/^\[/m)[0] ?? "" : text.split(new RegExp(`^\\[${section}\\]$`, "m"))[1]?.split(/^\[/m)[0] ?? ""
        return !new RegExp(`^#? ?${key} = `, "m").test(sectionText)
      })
      .map((entry) => entry.path)
    expect(undocumented).toEqual([])
  })
})
