// Choosing tokens for a request (docs/git-credential-pat.md, "Scopes"). Pure: no I/O, the clock
// is passed in, so every rule is unit-tested without a keychain.
import { parseScope, specificity, type Scope, type Target } from './scope.js'
import type { TokenRecord } from './model.js'

export interface Candidate {
  token: TokenRecord
  scope: Scope
  rank: number
  /** Why it cannot be used, if it cannot. */
  unusable?: 'expired' | 'rejected' | 'disabled'
}

export function isExpired(t: TokenRecord, now: Date): boolean {
  return t.expires !== null && Date.parse(t.expires) <= now.getTime()
}

/** Scopes parse once per process; a scope that no longer parses matches nothing. */
const scopeCache = new Map<string, Scope | null>()
export function scopeOf(t: TokenRecord): Scope | null {
  let s = scopeCache.get(t.scope)
  if (s === undefined) {
    try {
      s = parseScope(t.scope)
    } catch {
      s = null
    }
    scopeCache.set(t.scope, s)
  }
  return s
}

/**
 * The host part of a canonical scope without parsing the rest; null (parse it
 * fully) for IPv6 literals and for text that is not in canonical form
 * (`https://`, `user@`, a trailing dot: hand-edited metadata).
 */
function hostOfScope(scope: string): string | null {
  const m = /^(?:http:\/\/)?([A-Za-z0-9][A-Za-z0-9._-]*)(?=$|\/|:(?!\/\/))/.exec(scope)
  if (!m || m[1].endsWith('.')) return null
  return m[1].toLowerCase()
}

/**
 * A cheap test on a scope's text, so 10,000 tokens cost little more than
 * one: false only when the scope cannot cover the target (another host, or
 * a path scope when git sent no path). Full matching is specificity()'s.
 */
export function mayCover(scope: string, t: Target): boolean {
  const host = hostOfScope(scope)
  if (host === null) return true // not canonical: let the parser decide
  if (host !== t.host) return false
  return t.path !== undefined || scope.indexOf('/', scope.startsWith('http://') ? 7 : 0) === -1
}

/**
 * Every token whose scope covers the target, best first: the most specific
 * scope, then usable before unusable, then the latest expiry (a known
 * expiry before an unknown one), then the most recently created.
 */
export function candidates(tokens: readonly TokenRecord[], t: Target, now: Date): Candidate[] {
  const out: Candidate[] = []
  if (!t.host) return out
  for (const token of tokens) {
    if (!mayCover(token.scope, t)) continue
    if (t.username !== undefined && token.username !== t.username) continue
    const scope = scopeOf(token)
    if (!scope) continue
    const rank = specificity(scope, t)
    if (rank < 0) continue
    const unusable = token.state === 'disabled' ? 'disabled' : token.state === 'rejected' ? 'rejected' : isExpired(token, now) ? 'expired' : undefined
    out.push({ token, scope, rank, unusable })
  }
  return out.sort(compare)
}

function compare(a: Candidate, b: Candidate): number {
  if (a.rank !== b.rank) return b.rank - a.rank
  if (!!a.unusable !== !!b.unusable) return a.unusable ? 1 : -1
  const ea = a.token.expires ? Date.parse(a.token.expires) : Infinity
  const eb = b.token.expires ? Date.parse(b.token.expires) : Infinity
  if (ea !== eb) {
    if (ea === Infinity) return 1
    if (eb === Infinity) return -1
    return eb - ea
  }
  return (b.token.created ?? '').localeCompare(a.token.created ?? '')
}

/** The tokens `get` may send, best first. */
export function usable(tokens: readonly TokenRecord[], t: Target, now: Date): Candidate[] {
  return candidates(tokens, t, now).filter(c => !c.unusable)
}
