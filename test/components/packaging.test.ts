import { execFileSync, spawnSync } from "node:child_process"
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { describe, expect, it } from "vitest"
import { repoRoot } from "../support/paths.ts"

// What the Docker image and the Nix flake are built from, checked without Docker or a Nix store:
// the Nix files parse, the Dockerfile follows our rules, and the image's install step (setup.sh in
// production mode) gives a program that starts, seeds an empty /config and answers `health`.

const read = (path: string) => readFileSync(join(repoRoot, path), "utf8")

describe("Nix files", () => {
  it.each(["flake.nix", "nix/package.nix", "nix/module.nix"])("%s parses", (file) => {
    const parsed = spawnSync("nix-instantiate", ["--parse", join(repoRoot, file)], { encoding: "utf8" })
    expect(parsed.error?.message ?? "", "nix-instantiate is missing: run bash scripts/setup.sh").toBe("")
    expect(parsed.stderr.replace(/warning: the group 'nixbld'[^\n]*\n/g, "")).toBe("")
    expect(parsed.status).toBe(0)
  })

  it("the flake offers a package, `nix run` for the daemon, a dev shell with Node 24 and the NixOS module", () => {
    const flake = read("flake.nix")
    for (const part of ["packages = forAllSystems", "apps = forAllSystems", "automated-fanfic daemon", "devShells = forAllSystems", "nodejs_24", "nixosModules.default"]) expect(flake).toContain(part)
    const module = read("nix/module.nix")
    for (const part of ["options.services.automated-fanfic", "configFile", "dataDir", "DynamicUser = true", "ProtectSystem = \"strict\"", "NoNewPrivileges = true"]) expect(module).toContain(part)
  })
})

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile")
  const instructions = dockerfile.split("\n").filter((line) => /^[A-Z]+\s/.test(line))
  it("is multi-stage on a pinned node:24 slim base, installs with setup.sh, runs as a non-root user with volumes and a health check", () => {
    const bases = instructions.filter((line) => line.startsWith("FROM "))
    expect(bases.length).toBeGreaterThanOrEqual(2)
    for (const base of bases) expect(base).toMatch(/^FROM node:24-[a-z]+-slim( AS \w+)?$/)
    expect(dockerfile).toContain("bash scripts/setup.sh")
    expect(dockerfile).not.toMatch(/:latest|ADD https?:|curl .*\|\s*(ba)?sh|chmod 777/)
    const users = instructions.filter((line) => line.startsWith("USER "))
    expect(users.at(-1)).toMatch(/^USER (?!root|0\b)\w+/)
    expect(instructions).toContain('VOLUME ["/config", "/data"]')
    expect(dockerfile).toMatch(/HEALTHCHECK [^\n]*\\\n\s+CMD \["\/app\/bin\/automated-fanfic", "health"\]/)
    expect(instructions.at(-1)).toBe('CMD ["daemon"]')
    for (const copied of instructions.filter((line) => line.startsWith("COPY ") && !line.includes("--from="))) {
      for (const source of copied.replace(/^COPY /, "").split(/\s+/).slice(0, -1)) expect(existsSync(join(repoRoot, source)), source).toBe(true)
    }
  })
})

describe("the image's install step", () => {
  it("setup.sh in production mode gives a program that runs on a system Node 24, seeds an empty config and reports health", () => {
    const app = join(mkdtempSync(join(tmpdir(), "automated-fanfic-image-")), "app")
    mkdirSync(app)
    // package.json's own bundle command, writing into the copy: other tests run the CLI from dist/ meanwhile.
    const bundle = String(JSON.parse(read("package.json")).scripts.bundle).replace("--outdir=dist", `--outdir=${join(app, "dist")}`)
    execFileSync("sh", ["-c", `PATH="${join(repoRoot, "node_modules", ".bin")}:$PATH" ${bundle}`], { cwd: repoRoot, stdio: "ignore" })
    for (const path of ["package.json", "package-lock.json", "scripts", "bin", "config.example.toml", "docker"]) cpSync(join(repoRoot, path), join(app, path), { recursive: true })
    // The image's node is on PATH; here the project's Node 24 plays that part.
    const env = { ...process.env, PATH: `${dirname(join(repoRoot, "node_modules", ".bin", "node"))}:${process.env["PATH"] ?? ""}`, SETUP_PRODUCTION: "1" }
    execFileSync("bash", ["scripts/setup.sh"], { cwd: app, env, stdio: "pipe", timeout: 600_000 })
    expect(existsSync(join(app, "node_modules"))).toBe(false)
    expect(execFileSync(join(app, "bin", "automated-fanfic"), ["--version"], { env, encoding: "utf8" })).toMatch(/\d+\.\d+\.\d+/)

    const config = join(app, "..", "config", "config.toml")
    mkdirSync(dirname(config))
    const runEntrypoint = (...args: Array<string>) =>
      spawnSync(join(app, "docker", "entrypoint.sh"), args, { env: { ...env, APP_DIR: app, AUTOMATED_FANFIC_CONFIG: config, FFDL_DATA__DIR: join(app, "..", "data") }, encoding: "utf8" })
    const check = runEntrypoint("check-config")
    expect(check.stderr).toContain(`wrote an example configuration to ${config}`)
    expect(check.status, check.stderr).toBe(0)
    expect(readFileSync(config, "utf8")).toBe(read("config.example.toml"))
    const health = runEntrypoint("health")
    expect(health.status).toBe(1)
    expect(health.stdout).toContain("daemon: not running")
  }, 600_000)
})
