// A Unix-socket connection with just what the client needs (write, destroy,
// and connect/data/error/close events). node:net is loaded here, on first
// use, so nothing imports it on a path that never talks to the daemon.
// (Bun.connect is faster to load, but after a refused connection to a dead
// daemon's socket it left Bun with no pending work while keytar's read was
// in flight: the process exited with status 0 and no answer. node:net does
// not.)
export interface Conn {
  write(data: Uint8Array): void
  destroy(): void
}

export interface ConnEvents {
  connect(): void
  data(chunk: Buffer): void
  /** ENOENT / ECONNREFUSED in `code` when nobody listens. */
  error(e: NodeJS.ErrnoException): void
  close(): void
}

export function connectUnix(path: string, on: ConnEvents): Conn {
  const net = process.getBuiltinModule('node:net') as typeof import('node:net')
  const sock = net.createConnection(path)
  sock.on('connect', on.connect)
  sock.on('data', on.data)
  sock.on('error', on.error)
  sock.on('close', on.close)
  return { write: d => void sock.write(d), destroy: () => void sock.destroy() }
}
