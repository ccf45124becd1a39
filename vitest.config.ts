import { defineConfig } from "vitest/config"

// Unit tests run in parallel. Tests that drive real calibredb must not: Calibre holds one lock
// per user for the whole machine, so those files run one at a time in their own project.
export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
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
