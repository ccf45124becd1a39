// Reads vitest's JSON report and prints the closing line CI looks for. A skipped test counts as
// a failure under CI (a missing component must not pass quietly); so does a failed type-check.
// Further arguments NAME=passed|failed are CI stages (the deployment checks), one check each.
import { existsSync, readFileSync } from "node:fs"

const [file, typecheckFailed, testStatus, ...stages] = process.argv.slice(2)
let passed = 0, failed = 0, skipped = 0
if (file && existsSync(file)) {
  const report = JSON.parse(readFileSync(file, "utf8"))
  passed = report.numPassedTests ?? 0
  failed = report.numFailedTests ?? 0
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
  // Files that failed to load report no tests; count each as a failure.
  failed += (report.testResults ?? []).filter((r) => r.status === "failed" && (r.assertionResults ?? []).length === 0).length
} else {
  failed += 1
}
if (typecheckFailed === "1") failed += 1
if (failed === 0 && testStatus !== "0") failed += 1
for (const stage of stages) {
  const [name, status] = stage.split("=")
  if (status === "passed") passed += 1
  else {
    console.log(`stage ${name} failed`)
    failed += 1
  }
}
if (process.env.CI && process.env.CI !== "false" && skipped > 0) {
  console.log(`${skipped} test(s) were skipped; under CI a skip is a failure`)
  failed += skipped
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`)
process.exit(failed > 0 ? 1 : 0)
