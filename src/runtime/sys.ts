// The file calls of git's path (stdin, stdout/stderr, the socket checks,
// the daemon key): libc through bun:ffi once directCalls() loaded it, else
// node:fs. No module on that path imports node:fs at load time; what else
// they need from it they take from nodeFs() when they need it, since under
// Bun the import alone is a large share of a get.
import { libc, loadedLibc as loaded, type StatLike } from './libc.js'

export type { StatLike } from './libc.js'

/** node:fs, loaded on first use (Node has it loaded already; Bun builds it on demand). */
export function nodeFs(): typeof import('node:fs') {
  return process.getBuiltinModule('node:fs') as typeof import('node:fs')
}

/**
 * From now on, make these calls through libc where runtime/libc.ts offers it.
 * git's path calls this when the daemon may answer: then nothing else loads
 * node:fs. Elsewhere node:fs is loaded anyway, and the bindings would cost more.
 */
export function directCalls(): void {
  libc()
}

/** This process's uid, or -1 where the platform has none (Windows): what the ownership checks compare owners with. */
export const ownUid = (): number => (typeof process.getuid === 'function' ? process.getuid() : -1)

/** lstat(2): a final symbolic link is described, not followed. Throws as node:fs does (code ENOENT…). */
export function lstat(path: string): StatLike {
  const c = loaded()
  return c ? c.stat(path, false) : nodeFs().lstatSync(path)
}

/** stat(2), or undefined when nothing is there. */
export function statIfAny(path: string): StatLike | undefined {
  const c = loaded()
  if (!c) return nodeFs().statSync(path, { throwIfNoEntry: false })
  try {
    return c.stat(path, true)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined
    throw e
  }
}

/** Open for reading without following a final symbolic link (ELOOP if it is one), and without blocking on a FIFO. */
export function openNoFollow(path: string): number {
  const c = loaded()
  if (c) return c.openNoFollow(path)
  const fs = nodeFs()
  return fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK)
}

export function fstat(fd: number): StatLike {
  const c = loaded()
  return c ? c.stat(fd, true) : nodeFs().fstatSync(fd)
}

/** Read into buf from the current position; 0 at end of file. */
export function read(fd: number, buf: Uint8Array): number {
  const c = loaded()
  return c ? c.read(fd, buf) : nodeFs().readSync(fd, buf, 0, buf.length, null)
}

/** Write some of buf; how much was written. */
export function write(fd: number, buf: Uint8Array): number {
  const c = loaded()
  return c ? c.write(fd, buf) : nodeFs().writeSync(fd, buf)
}

export function close(fd: number): void {
  const c = loaded()
  if (c) c.close(fd)
  else nodeFs().closeSync(fd)
}
