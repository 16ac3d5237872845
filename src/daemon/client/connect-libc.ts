// The client's connection through libc's socket calls (runtime/libc.ts,
// bun:ffi): under Bun on Linux, once git's path loaded the bindings.
import { POLLIN, POLLOUT, type Libc } from '../../runtime/libc.js'
import type { Conn, ConnEvents } from './conn.js'

/**
 * Synchronous calls on a non-blocking socket, as events. After each write
 * the peer owes an answer: it is waited for in poll(2), up to the deadline,
 * one read per microtask. Not per turn of the event loop: the first turn
 * is costly under Bun, and poll's own bound is the caller's deadline,
 * after which the caller's timer ends an exchange that ran late.
 */
export function libcConnect(c: Libc, path: string, on: ConnEvents, timeoutMs: number): Conn {
  const deadline = Date.now() + timeoutMs
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
