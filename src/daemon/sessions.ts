// Session-only tokens: held by the daemon for a scope and username,
// never written anywhere, dropped at their expiry, on erase, or at exit.
import { eraseMatches, formatScope, parseScope, specificity, targetOf, type Scope } from '../core/scope.js'
import { logger } from '../log/log.js'
import { PatError } from '../errors.js'
import type { Reply, Request, SessionAnswer } from './client/protocol.js'
import { later, type Later } from './timer.js'

const log = logger('daemon')

interface Session {
  scope: Scope
  scopeText: string
  username: string
  secret: string
  expiresAt?: number
  timer?: Later
}

export class SessionStore {
  private sessions: Session[] = []

  /** @param onDrop told after a session token went (expired, replaced, erased) */
  constructor(private readonly onDrop: () => void) {}

  get size(): number {
    return this.sessions.length
  }

  /** Hold a token for a scope and username, replacing the one held for the same pair. */
  put(scopeText: string, username: string, secret: string, expiresAt?: number): Reply {
    let scope: Scope
    try {
      scope = parseScope(scopeText)
    } catch (e) {
      return { ok: false, error: e instanceof PatError ? e.message : 'invalid scope' }
    }
    if (expiresAt !== undefined && expiresAt <= Date.now()) return { ok: false, error: 'that session token has already expired' }
    const canon = formatScope(scope)
    for (const old of this.sessions.filter(s => s.scopeText === canon && s.username === username)) this.drop(old, 'replaced')
    const s: Session = { scope, scopeText: canon, username, secret, expiresAt }
    if (expiresAt !== undefined) s.timer = later(expiresAt - Date.now(), () => this.drop(s, 'expired'))
    this.sessions.push(s)
    log.info({ scope: canon, username, expiresAt: expiresAt && new Date(expiresAt).toISOString() }, 'session token held')
    return { ok: true }
  }

  /** The most specific unexpired token for the request (and its username, if given). */
  find(fields: Request & { op: 'session-get' }): SessionAnswer | undefined {
    const target = targetOf(fields)
    if (!target?.host) return undefined
    const now = Date.now()
    let best: Session | undefined
    let bestRank = -1
    for (const s of this.sessions) {
      if (s.expiresAt !== undefined && s.expiresAt <= now) continue
      if (target.username !== undefined && s.username !== target.username) continue
      const rank = specificity(s.scope, target)
      if (rank > bestRank) {
        best = s
        bestRank = rank
      }
    }
    return best && { scope: best.scopeText, username: best.username, secret: best.secret, expiresAt: best.expiresAt }
  }

  /** Drop what an erase matches (git's erase semantics); returns how many went. */
  erase(fields: Request & { op: 'session-drop' }): number {
    const target = targetOf(fields)
    if (!target) return 0
    const hit = this.sessions.filter(
      s =>
        eraseMatches(s.scope, target) &&
        (fields.username === undefined || s.username === fields.username) &&
        (fields.secret === undefined || s.secret === fields.secret),
    )
    for (const s of hit) this.drop(s, 'erase')
    return hit.length
  }

  /** Everything goes at once, silently (the daemon is shutting down). */
  clear(): void {
    for (const s of this.sessions) clearTimeout(s.timer?.t)
    this.sessions = []
  }

  private drop(s: Session, why: string): void {
    clearTimeout(s.timer?.t)
    this.sessions = this.sessions.filter(x => x !== s)
    log.info({ scope: s.scopeText, username: s.username, why }, 'session token dropped')
    this.onDrop()
  }
}
