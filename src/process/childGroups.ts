// The process groups of the external programs running right now, so that a process told to exit
// at once (a second SIGTERM, a clean stop that overran) does not leave them behind. Imports
// nothing: the signal guard holds one from before the rest of the program loads.

export class ChildGroups {
  readonly #groups = new Set<number>()

  /** Remembers a child's process group (its pid: each child leads its own group). */
  track(pid: number): void {
    this.#groups.add(pid)
  }

  /** Forgets a child that has ended. */
  untrack(pid: number): void {
    this.#groups.delete(pid)
  }

  /** SIGKILLs every remembered group, for a process that is about to exit without waiting. */
  killAll(): void {
    for (const pid of this.#groups) {
      try {
        process.kill(-pid, "SIGKILL")
      } catch {
        // Already gone.
      }
    }
    this.#groups.clear()
  }
}
