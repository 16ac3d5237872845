// A Unix-socket connection by the cheapest means the runtime has, since git
// pays for it on every get (one backend per file, conn.ts their interface):
// - Bun on Linux, once git's path loaded runtime/libc.ts: libc's socket
//   calls through bun:ffi (connect-libc.ts).
//   Opening Bun.connect's socket machinery costs more, node:net far more.
// - Bun elsewhere, or without the bindings: Bun.connect (connect-bun.ts).
// - Node: node:net, loaded on first use (connect-node.ts).
import { loadedLibc } from '../../runtime/libc.js'
import { runtime } from '../../runtime/choose.js'
import { libcConnect } from './connect-libc.js'
import { bunConnect } from './connect-bun.js'
import { nodeConnect } from './connect-node.js'
import type { Conn, ConnEvents, Connect } from './conn.js'

export type { Conn, ConnEvents } from './conn.js'

/** The sockets of the runtime this process runs on, chosen once (runtime/choose.ts). */
const bun = runtime.bun
const socketConnect: Connect = bun ? (path, on) => bunConnect(bun, path, on) : nodeConnect

/** Connect to `path`; `timeoutMs` bounds how long the libc backend may wait for the peer at a time (the caller's timer ends the exchange). */
export function connectUnix(path: string, on: ConnEvents, timeoutMs: number): Conn {
  // The bindings only where git's path loaded them already (runtime/sys.ts directCalls): loading them costs more than it saves elsewhere.
  const c = loadedLibc()
  return c ? libcConnect(c, path, on, timeoutMs) : socketConnect(path, on, timeoutMs)
}
