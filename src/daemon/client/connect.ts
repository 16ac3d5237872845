// A Unix-socket connection with just what the client needs (write, destroy,
// and connect/data/error/close events), by the cheapest means the runtime
// has, since git pays for it on every get:
// - Bun on Linux, once git's path loaded runtime/libc.ts: libc's socket
//   calls through bun:ffi.
//   Opening Bun.connect's socket machinery costs more, node:net far more.
// - Bun elsewhere: Bun.connect. It reports a refused connection (a dead
//   daemon's socket) through `connectError`, not `error`, and may do so
//   before Bun.connect returns.
// - Node: node:net, loaded on first use.
// Every backend delivers its events after connectUnix has returned.
import { loadedLibc, POLLIN, POLLOUT, type Libc } from '../../runtime/libc.js'
import { runtime, type BunApi } from '../../runtime/choose.js'

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

/** Connect to `path`; `timeoutMs` bounds how long the libc backend may wait for the peer at a time (the caller's timer ends the exchange). */
export function connectUnix(path: string, on: ConnEvents, timeoutMs: number): Conn {
  const c = loadedLibc()
  if (c) return libcConnect(c, path, on, Date.now() + timeoutMs)
  return runtime.bun ? bunConnect(runtime.bun, path, on) : nodeConnect(path, on)
}

/**
 * Synchronous calls on a non-blocking socket, as events. After each write
 * the peer owes an answer: it is waited for in poll(2), up to the deadline,
 * one read per microtask. Not per turn of the event loop: the first turn
 * is costly under Bun, and poll's own bound is the caller's deadline,
 * after which the caller's timer ends an exchange that ran late.
 */
function libcConnect(c: Libc, path: string, on: ConnEvents, deadline: number): Conn {
  let fd = -1
  let closed = false
  let scheduled = false
  const buf = Buffer.allocUnsafe(16384)
  const shut = () => {
    closed = true
    if (fd >= 0) c.close(fd)
    fd = -1
  }
  const fail = (e: unknown) => {
    if (closed) return
    shut()
    on.error(e as NodeJS.ErrnoException)
    on.close()
  }
  const pump = () => {
    scheduled = false
    if (closed) return
    try {
      // Past the deadline, one last look without waiting; then the caller's timer decides.
      if (!c.poll(fd, POLLIN, Math.max(0, deadline - Date.now()))) return
      const n = c.read(fd, buf)
      if (n === 0) {
        shut()
        return on.close()
      }
      on.data(Buffer.from(buf.subarray(0, n)))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return fail(e)
    }
    awaitAnswer()
  }
  const awaitAnswer = () => {
    if (scheduled || closed) return
    scheduled = true
    queueMicrotask(pump)
  }
  queueMicrotask(() => {
    if (closed) return
    try {
      fd = c.connectUnix(path)
    } catch (e) {
      return fail(e)
    }
    on.connect()
  })
  return {
    write: d => {
      for (let off = 0; !closed && off < d.length;) {
        try {
          off += c.write(fd, off ? d.subarray(off) : d, true)
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return fail(e)
          let room: boolean
          try {
            room = c.poll(fd, POLLOUT, Math.max(0, deadline - Date.now()))
          } catch (e) {
            return fail(e)
          }
          if (!room) return // no room in time: the caller's timer ends it
        }
      }
      awaitAnswer()
    },
    destroy: () => {
      if (!closed) shut()
    },
  }
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

function bunConnect(bun: BunApi, path: string, on: ConnEvents): Conn {
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
