import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { interpretConfig, type LoadedConfig } from "../../src/config/interpret.ts"
import { maskedValues, renderEffectiveConfig } from "../../src/config/renderConfig.ts"
import { anchorConfigPath } from "../support/paths.ts"

// What check-config prints is TOML that another reader accepts (Python's tomllib, which refused
// `concurrency = [object Object]`), and reading it back gives the same configuration.

const load = (text: string): LoadedConfig => {
  const result = interpretConfig(text, "config.toml", {})
  if (Result.isFailure(result)) throw new Error(`expected a valid config, got:\n${result.failure.message}`)
  return result.success
}

const readByTomllib = (text: string): unknown => {
  const python = spawnSync("python3", ["-c", "import json, sys, tomllib; json.dump(tomllib.loads(sys.stdin.read()), sys.stdout)"], { input: text, encoding: "utf8" })
  if (python.status !== 0) throw new Error(`tomllib refused the printed configuration:\n${python.stderr}\n${text}`)
  return JSON.parse(python.stdout)
}

const configs: ReadonlyArray<readonly [string, string]> = [
  ["the defaults", ""],
  ["AutomatedFanfic's shipped config.toml", readFileSync(anchorConfigPath, "utf8")],
  ["every kind of value, [sites.concurrency] set", [
    "max_workers = 3",
    "[email]", "password = \"hunter2\"", "disabled_sites = [\"fanfiction\", \"wattpad\"]", "port = 993",
    "[apprise]", "urls = [\"pbul://o.token123\"]",
    "[sites]", "breaker_cooldown_minutes = 2.5",
    "[sites.concurrency]", "archiveofourown = 2", "\"test1.com\" = 3",
    "[calibre]", "path = \"/books/Calibre \\\"Library\\\"\\u007f\""
  ].join("\n")]
]

describe("check-config output", () => {
  it.each(configs)("for %s is TOML that tomllib reads as the same configuration", (_name, text) => {
    const config = load(text)
    expect(readByTomllib(renderEffectiveConfig(config))).toEqual(maskedValues(config.values))
  })

  it.each(configs)("for %s reads back as the same configuration", (_name, text) => {
    const config = load(text)
    expect(maskedValues(load(renderEffectiveConfig(config)).values)).toEqual(maskedValues(config.values))
  })

  it("prints nested tables as tables, and secrets masked", () => {
    const printed = renderEffectiveConfig(load(configs[2]?.[1] ?? ""))
    expect(printed).toContain("[sites.concurrency]\narchiveofourown = 2\n\"test1.com\" = 3")
    expect(printed).not.toContain("[object Object]")
    expect(printed).not.toContain("hunter2")
    expect(printed).not.toContain("token123")
  })
})
