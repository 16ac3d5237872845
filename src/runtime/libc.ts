// The handful of system calls git's path makes before the daemon answers,
// called straight from libc through bun:ffi. Why: under Bun, loading
// node:fs and opening Bun.connect's socket machinery are a large share of a
// get, where git's own C helper pays neither. Only
// under Bun on Linux x64/arm64 with glibc: elsewhere libc() is null and
// callers use node:fs and node:net (runtime/sys.ts, daemon/client/connect.ts).
//
// The layouts used are the kernel's fixed-size ABI, the same on both
// architectures: struct statx (linux/stat.h), struct pollfd,
// struct sockaddr_un, and errno numbers (asm-generic/errno*.h). Only
// O_NOFOLLOW differs between them (asm-generic vs arm64 fcntl.h).

import { runtime } from './choose.js'

export interface StatLike {
  mode: number
  uid: number
  size: number
  ino: number
  isFile(): boolean
  isDirectory(): boolean
  isSymbolicLink(): boolean
  isSocket(): boolean
}

export interface Libc {
  /** statx(2) of a path, following a final link or not; of a descriptor when `path` is a number. */
  stat(path: string | number, follow: boolean): StatLike
  /** open(2) read-only, O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC. */
  openNoFollow(path: string): number
  read(fd: number, buf: Uint8Array): number
  /** send(2) with MSG_NOSIGNAL on sockets, write(2) elsewhere. */
  write(fd: number, buf: Uint8Array, socket?: boolean): number
  close(fd: number): void
  /** A non-blocking Unix stream socket connected to `path` (connect(2) on AF_UNIX completes at once or fails). */
  connectUnix(path: string): number
  /** poll(2) one descriptor: true when `events` (POLLIN 1, POLLOUT 4, or an error) are ready within ms. */
  poll(fd: number, events: number, ms: number): boolean
}

export const POLLIN = 1
export const POLLOUT = 4

const ERRNO: Record<number, [string, string]> = {
  1: ['EPERM', 'operation not permitted'],
  2: ['ENOENT', 'no such file or directory'],
  4: ['EINTR', 'interrupted system call'],
  5: ['EIO', 'i/o error'],
  9: ['EBADF', 'bad file descriptor'],
  11: ['EAGAIN', 'resource temporarily unavailable'],
  13: ['EACCES', 'permission denied'],
  17: ['EEXIST', 'file already exists'],
  20: ['ENOTDIR', 'not a directory'],
  21: ['EISDIR', 'illegal operation on a directory'],
  22: ['EINVAL', 'invalid argument'],
  23: ['ENFILE', 'file table overflow'],
  24: ['EMFILE', 'too many open files'],
  28: ['ENOSPC', 'no space left on device'],
  32: ['EPIPE', 'broken pipe'],
  36: ['ENAMETOOLONG', 'name too long'],
  40: ['ELOOP', 'too many symbolic links encountered'],
  88: ['ENOTSOCK', 'socket operation on non-socket'],
  104: ['ECONNRESET', 'connection reset by peer'],
  111: ['ECONNREFUSED', 'connection refused'],
}

/** An error shaped as node:fs throws them: code, errno, syscall, path. */
export function errnoError(n: number, syscall: string, path?: string): NodeJS.ErrnoException {
  const [code, text] = ERRNO[n] ?? [`E${n}`, `error ${n}`]
  const e: NodeJS.ErrnoException = new Error(`${code}: ${text}, ${syscall}${path === undefined ? '' : ` '${path}'`}`)
  Object.assign(e, { code, errno: -n, syscall, ...(path === undefined ? {} : { path }) })
  return e
}

/** A path as C wants it; a NUL inside would silently cut it short, so it is refused as node:fs refuses it. */
function cPath(path: string): Buffer {
  if (path.includes('\0')) throw Object.assign(new TypeError(`path must not contain null bytes: ${JSON.stringify(path)}`), { code: 'ERR_INVALID_ARG_VALUE' })
  return Buffer.from(`${path}\0`)
}

const S_IFMT = 0o170000
/** The statx fields every filesystem fills: type, mode, uid, ino, size. */
const STATX_NEEDED = 0x1 | 0x2 | 0x8 | 0x100 | 0x200

function statOf(b: DataView): StatLike {
  const mode = b.getUint16(28, true)
  const type = mode & S_IFMT
  return {
    mode,
    uid: b.getUint32(20, true),
    ino: Number(b.getBigUint64(32, true)),
    size: Number(b.getBigUint64(40, true)),
    isFile: () => type === 0o100000,
    isDirectory: () => type === 0o040000,
    isSymbolicLink: () => type === 0o120000,
    isSocket: () => type === 0o140000,
  }
}

let loaded: Libc | null | undefined

/** The bindings, loaded on first call, or null where they are not to be used (not Bun, not Linux x64/arm64, no glibc). */
export function libc(): Libc | null {
  if (loaded === undefined) loaded = load()
  return loaded
}

/** The bindings if something loaded them already, else null: loading them costs time, wasted on a path that loads node:fs anyway. */
export function loadedLibc(): Libc | null {
  return loaded ?? null
}

/* eslint-disable @typescript-eslint/no-explicit-any -- bun:ffi has no types here */
/**
 * bun:ffi and glibc's symbols as `symbols` declares them over bun:ffi's
 * FFIType, or null where there is no bun:ffi or no glibc (musl names its
 * libc otherwise). The one dlopen of libc: git's read path (here) and the
 * daemon's start-up hardening (harden.ts); callers check runtime/choose.ts
 * first and keep their fallback for null.
 */
export function dlopenLibc(symbols: (T: any) => Record<string, { args: unknown[]; returns: unknown }>): { ffi: any; c: any } | null {
  try {
    const ffi: any = (import.meta as unknown as { require(id: string): unknown }).require('bun:ffi')
    return { ffi, c: ffi.dlopen('libc.so.6', symbols(ffi.FFIType)).symbols }
  } catch {
    return null
  }
}

function load(): Libc | null {
  if (!runtime.ffi) return null
  const lib = dlopenLibc(T => ({
    statx: { args: [T.i32, T.ptr, T.i32, T.u32, T.ptr], returns: T.i32 },
    open: { args: [T.ptr, T.i32], returns: T.i32 },
    read: { args: [T.i32, T.ptr, T.u64], returns: T.i64 },
    write: { args: [T.i32, T.ptr, T.u64], returns: T.i64 },
    send: { args: [T.i32, T.ptr, T.u64, T.i32], returns: T.i64 },
    close: { args: [T.i32], returns: T.i32 },
    socket: { args: [T.i32, T.i32, T.i32], returns: T.i32 },
    connect: { args: [T.i32, T.ptr, T.u32], returns: T.i32 },
    poll: { args: [T.ptr, T.u64, T.i32], returns: T.i32 },
    __errno_location: { args: [], returns: T.ptr },
  }))
  if (!lib) return null // node:fs and sockets instead
  const { ffi, c } = lib
  return wrap(c, () => ffi.read.i32(c.__errno_location(), 0))
}

/** The Libc calls over the raw symbols: errors as node:fs throws them, EINTR retried. */
function wrap(c: any, errno: () => number): Libc {
  const O_NOFOLLOW = process.arch === 'arm64' ? 0o100000 : 0o400000
  const O_NONBLOCK = 0o4000
  const O_CLOEXEC = 0o2000000
  const statBuf = new DataView(new ArrayBuffer(256))
  const statBytes = new Uint8Array(statBuf.buffer)
  const pollBuf = Buffer.alloc(8)
  const emptyPath = Buffer.from('\0')
  /** Retry a call interrupted by a signal. */
  const retry = (f: () => number): number => {
    for (;;) {
      const r = f()
      if (r >= 0 || errno() !== 4) return r
    }
  }

  return {
    stat(path, follow) {
      const r =
        typeof path === 'number'
          ? c.statx(path, emptyPath, 0x1000 /* AT_EMPTY_PATH */, 0x7ff, statBytes)
          : c.statx(-100 /* AT_FDCWD */, cPath(path), follow ? 0 : 0x100 /* AT_SYMLINK_NOFOLLOW */, 0x7ff, statBytes)
      if (r !== 0) throw errnoError(errno(), typeof path === 'number' ? 'fstat' : follow ? 'stat' : 'lstat', typeof path === 'number' ? undefined : path)
      if ((statBuf.getUint32(0, true) & STATX_NEEDED) !== STATX_NEEDED) throw errnoError(5, 'statx', typeof path === 'number' ? undefined : path)
      return statOf(statBuf)
    },
    openNoFollow(path) {
      const fd = retry(() => c.open(cPath(path), O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC))
      if (fd < 0) throw errnoError(errno(), 'open', path)
      return fd
    },
    read(fd, buf) {
      const n = retry(() => Number(c.read(fd, buf, buf.length)))
      if (n < 0) throw errnoError(errno(), 'read')
      return n
    },
    write(fd, buf, socket = false) {
      const n = retry(() => Number(socket ? c.send(fd, buf, buf.length, 0x4000 /* MSG_NOSIGNAL */) : c.write(fd, buf, buf.length)))
      if (n < 0) throw errnoError(errno(), 'write')
      return n
    },
    close(fd) {
      c.close(fd)
    },
    connectUnix(path) {
      const name = Buffer.from(path)
      // sockaddr_un: sa_family (AF_UNIX = 1), then sun_path[108], NUL-terminated.
      if (name.length > 107 || name.includes(0)) throw errnoError(36, 'connect', path)
      const addr = Buffer.alloc(110)
      addr.writeUInt16LE(1, 0)
      name.copy(addr, 2)
      const fd = c.socket(1 /* AF_UNIX */, 1 /* SOCK_STREAM */ | O_NONBLOCK | O_CLOEXEC, 0)
      if (fd < 0) throw errnoError(errno(), 'socket')
      if (retry(() => c.connect(fd, addr, 2 + name.length + 1)) !== 0) {
        const e = errnoError(errno(), 'connect', path)
        c.close(fd)
        throw e
      }
      return fd
    },
    poll(fd, events, ms) {
      const deadline = Date.now() + ms
      for (;;) {
        pollBuf.writeInt32LE(fd, 0)
        pollBuf.writeInt16LE(events, 4)
        pollBuf.writeInt16LE(0, 6)
        const r = c.poll(pollBuf, 1, Math.max(0, Math.ceil(deadline - Date.now())))
        if (r > 0) return true
        if (r === 0) return false
        if (errno() !== 4) throw errnoError(errno(), 'poll')
      }
    },
  }
}
