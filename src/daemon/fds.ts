// The daemon keeps no descriptor it inherited.
// It is spawned detached with stdio ignored, but a descriptor its caller
// inherited without close-on-exec (a shell's process substitution, say
// /dev/fd/63, left open in git and so in the helper) survives every exec
// down to the daemon, whose whole life then keeps that pipe's reader from
// seeing EOF.
import { runtime } from '../runtime/choose.js'
import { closeSync, readFileSync, readdirSync, readlinkSync } from 'node:fs'

/** O_CLOEXEC as /proc/<pid>/fdinfo shows it (octal flags, Linux's generic value). */
const O_CLOEXEC = 0o2000000

/**
 * Close every descriptor above 2 that this process inherited; returns their
 * numbers. Call first thing in the daemon, before it opens anything of its own.
 *
 * Which are inherited depends on the runtime, as observed on Linux:
 * - Node opens everything of its own close-on-exec (libuv's epoll, eventfd
 *   and signal pipes, its files), and marks only its lowest inherited
 *   descriptors (up to about 10) close-on-exec at start. So a descriptor
 *   without close-on-exec came from the caller; the low ones it marked never
 *   reach a process it spawns, which is how this daemon is started.
 * - Bun marks every inherited descriptor close-on-exec at start (they go no
 *   further) but keeps them open, and at this point holds nothing of its own
 *   but anonymous inodes (epoll, eventfd). So every other one is the caller's.
 * Anonymous inodes (epoll, eventfd, signalfd, timerfd) are never touched: a
 * caller does not hand those down, and closing a runtime's own breaks it;
 * nor is anything that 0, 1 or 2 already refers to (Bun's own duplicates).
 *
 * Linux only (/proc/self/fdinfo carries the flags). Elsewhere there is no
 * safe way to tell the runtime's descriptors from inherited ones, so nothing
 * is closed; the spawn's stdio 'ignore' still covers 0–2.
 */
export function closeInheritedFds(): number[] {
  if (process.platform !== 'linux') return []
  let names: string[]
  try {
    names = readdirSync('/proc/self/fd')
  } catch {
    return [] // no /proc mounted
  }
  const onBun = runtime.name === 'bun'
  const stdio = new Set<string>()
  for (const fd of [0, 1, 2]) {
    try {
      stdio.add(readlinkSync(`/proc/self/fd/${fd}`))
    } catch {
      // closed
    }
  }
  const closed: number[] = []
  for (const name of names) {
    const fd = Number(name)
    if (!Number.isInteger(fd) || fd <= 2) continue
    let flags: number
    let target: string
    try {
      const m = /^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))
      if (!m) continue
      flags = parseInt(m[1], 8)
      target = readlinkSync(`/proc/self/fd/${fd}`)
    } catch {
      continue // the directory listing's own descriptor, gone by now
    }
    if (target.startsWith('anon_inode:')) continue
    // Bun keeps its own duplicates of stdout and stderr; a second reference
    // to what 0–2 already hold keeps nothing open that they do not.
    if (stdio.has(target)) continue
    if (flags & O_CLOEXEC && !onBun) continue
    try {
      closeSync(fd)
      closed.push(fd)
    } catch {
      // already closed
    }
  }
  return closed
}
