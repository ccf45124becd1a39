import { Redacted } from "effect"
import type { ConfigFile } from "../config/ConfigSchema.ts"
import { isProblem, parseTarget, type Target, type TargetProblem } from "./targets.ts"

// Every target the configuration names: each [apprise] URL, and AutomatedFanfic's [pushbullet]
// section as a Pushbullet target (a device by nickname, or all devices).
export const targetsFromConfig = (urls: ReadonlyArray<string>, pushbullet: ConfigFile["pushbullet"]) => {
  const targets: Array<Target> = []
  const problems: Array<TargetProblem> = []
  for (const url of urls) {
    const parsed = parseTarget(url)
    if (isProblem(parsed)) problems.push(parsed)
    else targets.push(parsed)
  }
  if (pushbullet.enabled) {
    const token = Redacted.value(pushbullet.api_key)
    if (token === "") problems.push({ label: "[pushbullet]", reason: "api_key is empty" })
    else {
      targets.push({
        _tag: "Pushbullet", label: "[pushbullet]", token, devices: [], channels: [], emails: [],
        ...(pushbullet.device === "" ? {} : { deviceNickname: pushbullet.device })
      })
    }
  }
  return { targets, problems }
}
