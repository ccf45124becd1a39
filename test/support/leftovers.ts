import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

// vitest's globalSetup: the whole run gets a temporary directory of its own (TMPDIR, inherited by
// every test worker and every program a test starts), and at its end any automated-fanfic-*
// entry still in it fails the run, named, instead of piling up in the machine's temporary
// directory run after run. A directory of its own rather than a before/after listing of the
// shared one: another suite running beside this one (another checkout, another person) makes
// entries there that are not this run's. The directory goes at the end, whatever is in it: what
// the test programs (calibre, FanFicFare, Dovecot) left there too.

const ours = /^automated-fanfic-/
// The program's lock file that marks a process's work folders as its own: held for the process's
// life and removed by its "exit" event. Test workers load the program's code, and vitest ends
// them without that event; the lock is no scratch of a test, and the next start of the program
// removes a dead owner's lock anyway (src/process/ownership.ts).
const ownerLock = /^automated-fanfic-owner-[0-9a-f]+\.lock$/

export default function setup() {
  const previous = process.env["TMPDIR"]
  const root = mkdtempSync(join(tmpdir(), "automated-fanfic-tests-"))
  // Open to all like /tmp (mkdtemp makes it 0700): Dovecot's auth processes, running as their
  // own users, must reach the test's Dovecot folder inside it.
  chmodSync(root, 0o1777)
  process.env["TMPDIR"] = root
  return () => {
    if (previous === undefined) delete process.env["TMPDIR"]
    else process.env["TMPDIR"] = previous
    const left = readdirSync(root).filter((name) => ours.test(name) && !ownerLock.test(name)).sort()
    rmSync(root, { recursive: true, force: true })
    if (left.length > 0) {
      throw new Error(`the tests left ${left.length} scratch entr${left.length === 1 ? "y" : "ies"} in the temporary directory (removed now; each test file must remove what it makes, e.g. with scratchFolder in test/support/scratch.ts):\n${left.map((name) => `  ${name}`).join("\n")}`)
    }
  }
}
