// Addresses only this machine can reach. Anything else (0.0.0.0, a LAN address, a name) is
// reachable by others and so needs web.token.
export const isLoopbackHost = (host: string): boolean => {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1")
  return name === "localhost" || name === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
}

// A Host header naming this machine by a loopback name (port optional). A page on another site
// that rebinds its DNS name to 127.0.0.1 still sends its own name here, so it is refused.
export const isLoopbackHostHeader = (header: string): boolean => {
  const withoutPort = header.trim().replace(/:\d+$/, "")
  return isLoopbackHost(withoutPort)
}
