// Whether a process still exists. Signal 0 checks without sending anything; EPERM means it
// exists but belongs to someone else.
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return error instanceof Error && "code" in error && error.code === "EPERM"
  }
}
