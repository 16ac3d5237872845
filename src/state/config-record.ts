// Which git config settings this program set, and in which file
// (docs/git-credential-pat.md, Leaving): `setup --unset` removes exactly
// those, even once the token that needed one is gone, and never a setting
// the user wrote. A small JSON file in the data directory beside tokens.json,
// replaced atomically under its own lock file (git's way: FILE.lock made with
// O_EXCL), synchronously, as the git config writes around it are. No secrets.
import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { PatError } from '../errors.js'
import { statePaths } from './paths.js'
import { makeStateDir, trustStateFile } from './trusted-state.js'

export interface SetByUs {
  /** The config file it went into, as configFile() names it (symlinks followed). */
  file: string
  /** As written: `credential.https://gitlab.com.useHttpPath`. */
  key: string
  value: string
  at: string
}

/** A lock older than this was left by a process that died holding it. */
const STALE_LOCK_MS = 10_000
const WAIT_LOCK_MS = 2_000

export const recordFile = (env: NodeJS.ProcessEnv) => join(statePaths(env).data, 'git-config.json')

/** What the record holds; an unreadable record reads as empty (the cost: a setting left behind). */
export function readSetByUs(env: NodeJS.ProcessEnv): SetByUs[] {
  try {
    // One another user could write is not ours to act on (runtime/trusted-path.ts).
    if (!trustStateFile(recordFile(env))) return []
    const data = JSON.parse(readFileSync(recordFile(env), 'utf8')) as { set?: unknown }
    return Array.isArray(data.set)
      ? data.set.filter((e): e is SetByUs => !!e && ['file', 'key', 'value', 'at'].every(k => typeof (e as Record<string, unknown>)[k] === 'string'))
      : []
  } catch {
    return []
  }
}

/** Remember that we set `key` to `value` in `file` (after git config did). */
export function recordSet(file: string, key: string, value: string, env: NodeJS.ProcessEnv, now: Date): void {
  change(env, list => [...list.filter(e => !(e.file === file && e.key.toLowerCase() === key.toLowerCase())), { file, key, value, at: now.toISOString() }])
}

/** Drop the entries `gone` says are no longer ours to remove (removed, or no longer in the file). */
export function forgetSet(gone: (e: SetByUs) => boolean, env: NodeJS.ProcessEnv): void {
  if (!readSetByUs(env).some(gone)) return
  change(env, list => list.filter(e => !gone(e)))
}

function change(env: NodeJS.ProcessEnv, edit: (list: SetByUs[]) => SetByUs[]): void {
  const file = recordFile(env)
  makeStateDir(dirname(file))
  const lock = takeLock(`${file}.lock`)
  try {
    const list = edit(readSetByUs(env))
    if (!list.length) {
      // Nothing left to take back: no file left behind either.
      try {
        unlinkSync(file)
      } catch {
        /* already gone */
      }
      return
    }
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`
    const fd = openSync(tmp, 'wx', 0o600)
    try {
      writeSync(fd, JSON.stringify({ version: 1, set: list }, null, 1) + '\n')
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, file)
  } finally {
    unlinkSync(lock)
  }
}

function takeLock(lock: string): string {
  const until = Date.now() + WAIT_LOCK_MS
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600))
      return lock
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new PatError('LOCKED', `cannot lock ${lock}: ${(e as NodeJS.ErrnoException).code}`)
    }
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) unlinkSync(lock)
    } catch {
      /* gone meanwhile: try again */
    }
    if (Date.now() > until) throw new PatError('LOCKED', `${lock} is held by another git-credential-pat; try again`)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20)
  }
}
