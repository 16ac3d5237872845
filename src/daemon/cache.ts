// The daemon's secret cache (docs/git-credential-pat.md, "The daemon"): secrets read from the keychain or an
// exec: source, kept for `cacheTimeout` from when they were stored.
//
// The daemon never reads the keychain itself: clients hand it what they
// resolved, keyed by token name and a stamp of the token's record
// (everything but lastUsed, with a revision that every write of the secret
// renews; state/stamp.ts), so a record changed by rotate/disable/erase or a
// password replaced by store in another process no longer matches and the
// next get reads the source again, even when that process could not tell
// the daemon to forget (a daemon too slow to answer it).
import { logger } from '../log/log.js'
import { later, type Later } from './timer.js'

const log = logger('daemon')

/** A `forget` refuses puts of secrets read before it, for this long. */
const FORGET_MEMORY_MS = 60_000

interface Entry {
  stamp: string
  secret: string
  timer?: Later
}

export class SecretCache {
  private readonly entries = new Map<string, Entry>()
  private readonly forgotten = new Map<string, number>() // name ('' = all) → when

  /**
   * @param timeoutMs how long a resolved secret is kept (0: not at all)
   * @param onDrop told after an entry went (timeout, changed record, forget)
   */
  constructor(
    private readonly timeoutMs: number,
    private readonly onDrop: () => void,
  ) {}

  get size(): number {
    return this.entries.size
  }

  /** The secret cached for this record stamp; an entry for another stamp is dropped. */
  get(name: string, stamp: string): string | undefined {
    const e = this.entries.get(name)
    if (e && e.stamp !== stamp) this.drop(name, 'record changed') // rotated, re-added …
    return e !== undefined && e.stamp === stamp ? e.secret : undefined
  }

  /** Keep a secret; false when refused (caching off, or read before a forget). */
  put(name: string, stamp: string, secret: string, since?: number): boolean {
    if (this.timeoutMs <= 0) return false
    const gone = Math.max(this.forgotten.get(name) ?? 0, this.forgotten.get('') ?? 0)
    // Read before a forget (rotate, remove) arrived: it may be the old secret.
    if (since !== undefined && since <= gone) return false
    const old = this.entries.get(name)
    if (old) clearTimeout(old.timer?.t)
    const entry: Entry = { stamp, secret }
    // As git's credential-cache: the timeout runs from when the secret was stored, not from its last use.
    entry.timer = later(this.timeoutMs, () => this.drop(name, 'timeout'))
    this.entries.set(name, entry)
    return true
  }

  /** Drop one token (with its refresh token) or, without a name, all of them. */
  forget(name?: string): void {
    const now = Date.now()
    for (const [k, at] of this.forgotten) if (now - at > FORGET_MEMORY_MS) this.forgotten.delete(k)
    this.forgotten.set(name ?? '', now)
    // A token's refresh token is cached beside it as `name#oauth_refresh_token`.
    for (const k of [...this.entries.keys()]) if (name === undefined || k === name || k.startsWith(`${name}#`)) this.drop(k, 'forget')
  }

  /** Everything goes at once, silently (the daemon is shutting down). */
  clear(): void {
    for (const e of this.entries.values()) clearTimeout(e.timer?.t)
    this.entries.clear()
  }

  private drop(name: string, why: string): void {
    const e = this.entries.get(name)
    if (!e) return
    clearTimeout(e.timer?.t)
    this.entries.delete(name)
    log.debug({ name, why }, 'cache entry dropped')
    this.onDrop()
  }
}
