// The daemon's sockets (its own and each forward's): created with no access
// for others from the start (umask), then given their mode, so no other
// user can connect in a window between bind(2) and chmod(2).
import net from 'node:net'
import { chmodSync } from 'node:fs'

/** A server listening on `socket` with `mode`, accepting at most `maxConnections` at once. */
export async function listenPrivate(socket: string, mode: number, maxConnections: number): Promise<net.Server> {
  const server = net.createServer()
  server.maxConnections = maxConnections
  const umask = process.umask(0o077)
  try {
    await new Promise<void>((res, rej) => {
      server.once('error', rej)
      server.listen(socket, () => {
        server.off('error', rej)
        res()
      })
    })
  } finally {
    process.umask(umask)
  }
  chmodSync(socket, mode)
  return server
}
