// A Unix-socket connection with just what the client needs (write, destroy,
// and connect/data/error/close events). Under Bun it is Bun.connect, which
// costs nothing to load; node:net costs ~6 ms under Bun, a third of a get
// (issue 11), and is loaded only under Node, on first use, so nothing
// imports it on a path that never talks to the daemon.
// Bun reports a refused connection (a dead daemon's socket) through
// `connectError`, not `error`, and may do so before Bun.connect returns.
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

interface BunSocket {
  write(d: Uint8Array): number
  end(): void
}
declare const Bun: { connect(o: { unix: string; socket: Record<string, (...a: never[]) => void> }): Promise<BunSocket> } | undefined

export function connectUnix(path: string, on: ConnEvents): Conn {
  return typeof Bun !== 'undefined' ? bunConnect(path, on) : nodeConnect(path, on)
}

function nodeConnect(path: string, on: ConnEvents): Conn {
  const net = process.getBuiltinModule('node:net') as typeof import('node:net')
  const sock = net.createConnection(path)
  sock.on('connect', on.connect)
  sock.on('data', on.data)
  sock.on('error', on.error)
  sock.on('close', on.close)
  return { write: d => void sock.write(d), destroy: () => void sock.destroy() }
}

function bunConnect(path: string, on: ConnEvents): Conn {
  let sock: BunSocket | undefined
  let closed = false
  /** Bytes not yet taken by the socket: before it opened, or past a full buffer until `drain`. */
  let pending: Uint8Array[] = []
  const flush = () => {
    while (sock && pending.length) {
      const d = pending[0]
      const n = sock.write(d)
      if (n >= d.length) pending.shift()
      else {
        if (n > 0) pending[0] = d.subarray(n)
        return
      }
    }
  }
  const close = () => {
    if (closed) return
    closed = true
    pending = []
    on.close()
  }
  // Bun may report a failed connect before Bun.connect returns; callers
  // expect events after connectUnix has returned, as node:net delivers them.
  const fail = (e: NodeJS.ErrnoException) =>
    queueMicrotask(() => {
      if (closed) return
      on.error(e)
      close()
    })
  Bun!
    .connect({
      unix: path,
      socket: {
        open: (s: BunSocket) => {
          sock = s
          if (closed) return void s.end()
          flush()
          on.connect()
        },
        data: (_s: BunSocket, chunk: Uint8Array) => {
          if (!closed) on.data(Buffer.from(chunk))
        },
        drain: () => flush(),
        error: (_s: BunSocket, e: NodeJS.ErrnoException) => fail(e),
        connectError: (_s: BunSocket, e: NodeJS.ErrnoException) => fail(e),
        close: () => queueMicrotask(close),
        end: () => queueMicrotask(close),
      },
    })
    .catch((e: NodeJS.ErrnoException) => fail(e))
  return {
    write: d => {
      if (closed) return
      pending.push(d)
      flush()
    },
    destroy: () => {
      closed = true
      pending = []
      sock?.end()
    },
  }
}
