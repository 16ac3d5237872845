// Run by Bun (test/runtime/libc.ts): each call through runtime/libc.ts and
// through node:fs / node:net's view of the same thing, as JSON on stdout.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs'
import { libc, POLLIN, type StatLike } from '../../../src/runtime/libc.js'

type Op = { op: 'stat'; path: string; follow: boolean } | { op: 'open'; path: string } | { op: 'connect'; path: string; send?: string; waitMs?: number }

const c = libc()
if (!c) {
  process.stdout.write(JSON.stringify({ error: 'libc() is null under Bun on this machine' }))
  process.exit(0)
}

const view = (s: StatLike | Stats) => ({
  mode: s.mode,
  uid: s.uid,
  size: s.size,
  ino: s.ino,
  types: [s.isFile(), s.isDirectory(), s.isSymbolicLink(), s.isSocket()],
})
const codeOf = (e: unknown) => ({ code: (e as NodeJS.ErrnoException).code })
const attempt = <T>(f: () => T) => {
  try {
    return f()
  } catch (e) {
    return codeOf(e)
  }
}

function readAll(fd: number, read: (b: Uint8Array) => number): string {
  const out: Buffer[] = []
  const b = Buffer.alloc(7) // small: several reads
  for (let n; (n = read(b)) > 0;) out.push(Buffer.from(b.subarray(0, n)))
  return Buffer.concat(out).toString()
}

function run(o: Op): unknown {
  if (o.op === 'stat') {
    return {
      libc: attempt(() => view(c!.stat(o.path, o.follow))),
      node: attempt(() => view(o.follow ? statSync(o.path) : lstatSync(o.path))),
    }
  }
  if (o.op === 'open') {
    return {
      libc: attempt(() => {
        const fd = c!.openNoFollow(o.path)
        try {
          return { ...view(c!.stat(fd, true)), text: readAll(fd, b => c!.read(fd, b)) }
        } finally {
          c!.close(fd)
        }
      }),
      node: attempt(() => {
        const fd = openSync(o.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
        try {
          return { ...view(fstatSync(fd)), text: readAll(fd, b => readSync(fd, b, 0, b.length, null)) }
        } finally {
          closeSync(fd)
        }
      }),
    }
  }
  return attempt(() => {
    const fd = c!.connectUnix(o.path)
    try {
      if (o.send !== undefined) c!.write(fd, Buffer.from(o.send), true)
      const started = Date.now()
      const ready = c!.poll(fd, POLLIN, o.waitMs ?? 2000)
      const waited = Date.now() - started
      const got = ready
        ? Buffer.from(
            (() => {
              const b = Buffer.alloc(64)
              return b.subarray(0, c!.read(fd, b))
            })(),
          ).toString()
        : null
      return { connected: true, ready, waited, got }
    } finally {
      c!.close(fd)
    }
  })
}

const ops = JSON.parse(process.argv[2]) as Op[]
process.stdout.write(JSON.stringify(ops.map(run)))
