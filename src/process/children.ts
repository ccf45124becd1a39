// The external programs running right now (FanFicFare, calibredb), by process group, so that a
// process told to exit at once (a second SIGTERM) does not leave them behind.
const groups = new Set<number>()

export const trackChild = (pid: number) => void groups.add(pid)
export const untrackChild = (pid: number) => void groups.delete(pid)

export const killChildrenNow = () => {
  for (const pid of groups) {
    try {
      process.kill(-pid, "SIGKILL")
    } catch {
      // Already gone.
    }
  }
  groups.clear()
}
