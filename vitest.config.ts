import { defineConfig } from "vitest/config"

// Unit tests run in parallel. Tests that drive real calibredb must not: Calibre holds one lock
// per user for the whole machine, so those files run one at a time in their own project.
export default defineConfig({
  test: {
    // Fails the run if a test leaves a scratch folder behind (test/support/leftovers.ts).
    globalSetup: ["test/support/leftovers.ts"],
    projects: [
      // CLI tests in here start the real program, about 1.5 s a run.
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 60_000 } },
      // Real FanFicFare, Dovecot and HTTP servers, but never calibredb: these files may run side by side.
      { test: { name: "components", include: ["test/components/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 60_000 } },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 60_000
        }
      }
    ]
  }
})
