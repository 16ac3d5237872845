// The metadata lock: `<file>.lock`, created atomically (link(2) of a
// complete temporary file, so the lock never exists half-written) and
// holding its holder's pid, process start time, boot id and host. A waiter
// that finds the holder dead (no such pid, another process under that pid,
// or another boot) takes the lock over at once. proper-lockfile, used
// before, judged staleness by mtime only: a lock counted as stale only
// after writers had given up on it, so after a kill -9 the next
// store failed and git's confirmed credential was lost.
// A live holder is waited for, up to giveUpMs, far above any normal write.
//
// Takeover: the waiter that judged the holder dead takes `<file>.lock.takeover`
// (created the same way), checks that the lock still names the same dead
// holder, removes it, drops the takeover lock and competes for the lock like
// everyone else. The check and removal are not atomic together, but only a
// takeover holder removes a lock it does not own, and nobody can replace a
// lock without first removing it, so the lock read is the lock removed.
// (The one window left: a waiter killed inside that tiny section leaves a
// guard that two later waiters may both clear; it needs a kill -9 within
// microseconds and two waiters at once.)
//
// An older git-credential-pat (proper-lockfile) locks with a *directory* at
// the same path: both exclude each other; such a lock is judged by its age
// (10 s), as that version did.
import { hostname } from 'node:os'
import { randomBytes } from '../runtime/crypto.js'
import { linkSync, readFileSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { PatError } from '../errors.js'

export interface LockOptions {
  /** Pause between attempts while a live holder has it. */
  retryMs?: number
  /** Give up (LOCKED error) after waiting this long for a live holder. */
  giveUpMs?: number
}

interface Holder {
  pid: number
  start: string | null
  boot: string | null
  host: string
  nonce: string
}

const LEGACY_STALE_MS = 10_000
/** A lock file we cannot parse (edited by hand?) counts as abandoned after this long. */
const GARBAGE_STALE_MS = 2_000

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

/** Hold the lock for `file` while `work` runs. */
export async function withLock<T>(file: string, work: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const lock = `${file}.lock`
  const me = await acquire(lock, opts)
  try {
    return await work()
  } finally {
    release(lock, me)
  }
}

async function acquire(lock: string, { retryMs = 25, giveUpMs = 30_000 }: LockOptions): Promise<Holder> {
  const me = self()
  const started = Date.now()
  let holder: Holder | 'legacy' | 'garbage' | null = null
  for (;;) {
    if (create(lock, me)) return me
    holder = readHolder(lock)
    if (holder === null) continue // released meanwhile: try again at once
    if (holder !== 'legacy' && holder !== 'garbage' && !isAlive(holder)) {
      if (takeOver(lock, holder)) continue
    }
    if ((holder === 'legacy' && olderThan(lock, LEGACY_STALE_MS)) || (holder === 'garbage' && olderThan(lock, GARBAGE_STALE_MS))) {
      removeAbandoned(lock)
      continue
    }
    if (Date.now() - started >= giveUpMs) break
    await sleep(retryMs)
  }
  const who = typeof holder === 'object' && holder ? `process ${holder.pid}${holder.host === me.host ? '' : ` on ${holder.host}`}` : 'another process'
  throw new PatError(
    'LOCKED',
    `cannot lock ${lock.slice(0, -5)}: ${who} has held ${lock} for over ${Math.round(giveUpMs / 1000)} s; if it is stuck, stop it (the lock is taken over once it is gone)`,
  )
}

function self(): Holder {
  return { pid: process.pid, start: startTime(process.pid), boot: bootId(), host: hostname(), nonce: randomBytes(8).toString('hex') }
}

/** Create `path` holding `h`, atomically and only if it does not exist. */
function create(path: string, h: Holder): boolean {
  const tmp = `${path}.${h.pid}.${h.nonce}.tmp`
  try {
    writeFileSync(tmp, JSON.stringify(h) + '\n', { mode: 0o600 })
    linkSync(tmp, path)
    return true
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    throw new PatError(
      'LOCKED',
      `cannot lock ${path.replace(/\.lock(\.takeover)?$/, '')}: ${code ?? (e as Error).message}${code === 'ENOSPC' ? ' (disk full)' : ''}; nothing was changed`,
    )
  } finally {
    try {
      unlinkSync(tmp)
    } catch {
      /* already gone */
    }
  }
}

function readHolder(path: string): Holder | 'legacy' | 'garbage' | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return null
    if (code === 'EISDIR') return 'legacy'
    return 'garbage'
  }
  try {
    const h = JSON.parse(text) as Holder
    if (Number.isInteger(h.pid) && h.pid > 0 && typeof h.nonce === 'string' && typeof h.host === 'string') return h
  } catch {
    /* not ours */
  }
  return 'garbage'
}

/** Whether the holder may still be running. A holder on another host is assumed alive. */
export function isAlive(h: Pick<Holder, 'pid' | 'start' | 'boot' | 'host'>): boolean {
  if (h.host !== hostname()) return true
  const boot = bootId()
  if (h.boot && boot && h.boot !== boot) return false // written before a reboot
  try {
    process.kill(h.pid, 0)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false
  }
  // The pid exists: is it still the process that took the lock (pids are reused)?
  const start = startTime(h.pid)
  return !(h.start && start && h.start !== start)
}

/** Remove the lock of a dead holder; false when another waiter is doing it (then wait as usual). */
function takeOver(lock: string, dead: Holder): boolean {
  const guard = `${lock}.takeover`
  if (!create(guard, self())) {
    // If the waiter taking over died doing so, clear its guard for the next round.
    const g = readHolder(guard)
    if (g === null) return true
    if (typeof g === 'object' && !isAlive(g)) unlinkQuiet(guard)
    else if (g === 'garbage' && olderThan(guard, GARBAGE_STALE_MS)) unlinkQuiet(guard)
    return false
  }
  try {
    if (sameHolder(readHolder(lock), dead)) unlinkQuiet(lock)
  } finally {
    unlinkQuiet(guard)
  }
  return true
}

function release(lock: string, me: Holder): void {
  // Only our own: a lock we lost (judged dead while alive cannot happen, but
  // a hand-removed lock can) is someone else's now.
  if (sameHolder(readHolder(lock), me)) unlinkQuiet(lock)
}

const sameHolder = (a: ReturnType<typeof readHolder>, b: Holder) => typeof a === 'object' && a !== null && a.nonce === b.nonce && a.pid === b.pid

function removeAbandoned(lock: string): void {
  try {
    rmdirSync(lock)
  } catch {
    unlinkQuiet(lock)
  }
}

function olderThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > ms
  } catch {
    return false
  }
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    /* already gone */
  }
}

/** A process's start time in clock ticks since boot (/proc/PID/stat field 22), or null off Linux. */
export function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
  } catch {
    return null
  }
}

let boot: string | null | undefined
function bootId(): string | null {
  if (boot === undefined) {
    try {
      boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
    } catch {
      boot = null
    }
  }
  return boot
}
