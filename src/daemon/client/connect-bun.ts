// The client's connection through Bun.connect: under Bun where libc's
// bindings are not loaded. It reports a refused connection (a dead
// daemon's socket) through `connectError`, not `error`, and may do so
// before Bun.connect returns.
import type { BunApi } from '../../runtime/choose.js'
import type { Conn, ConnEvents } from './conn.js'

interface BunSocket {
  write(d: Uint8Array): number
  end(): void
}

export function bunConnect(bun: BunApi, path: string, on: ConnEvents): Conn {
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
  bun
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
