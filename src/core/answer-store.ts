// `store`'s decision (docs/git-credential-pat.md, "The git side"): git reports a credential that worked. If it
// is one of ours, only its last use is recorded (at most once a minute);
// one we withheld (disabled, rejected, expired) is left as it is; anything
// else is saved as a new token scoped to exactly what git sent. A typed
// answer waiting for git's verdict and a session token come first.
// Inputs: core/answer.ts.
import { sentSecret } from './protocol.js'
import { formatScope, normalisePath, targetOf, type Scope, type Target } from './scope.js'
import { isExpired, scopeOf, usable } from './select.js'
import { uniqueName } from './names.js'
import { LAST_USED_FRESH_MS, type TokenRecord } from './model.js'
import { servesProtocol, type DecideInput } from './answer.js'

export interface StoreInput extends DecideInput {
  /** Typed answers may be waiting in the pending directory (state/pending.ts); undefined while not looked. */
  pending?: boolean
}

export type StoreNeed = { kind: 'pending' } | { kind: 'session' } | { kind: 'secret'; token: TokenRecord }

/** What is being saved: the record (new, or what store saved before for the same URL and user, changed). */
export interface Save {
  kind: 'save'
  record: TokenRecord
  /** No record had this scope and username: the record is added. */
  fresh: boolean
  secret: string
  /** Kept beside the secret; the earlier one is deleted when git sent none. */
  refreshToken?: string
  dropRefresh: boolean
}

export type StoreOutcome =
  | { kind: 'ignored'; why: string }
  | { kind: 'session' }
  /** write: the last use is to be recorded (now). */
  | { kind: 'used'; token: TokenRecord; write: boolean }
  | { kind: 'kept-dead'; token: TokenRecord; why: string }
  | Save
  | { kind: 'need'; need: StoreNeed }

const need = (n: StoreNeed): StoreOutcome => ({ kind: 'need', need: n })

export function decideStore(i: StoreInput): StoreOutcome {
  const cred = i.cred
  if (cred.ephemeral) return { kind: 'ignored', why: 'ephemeral' } // git-credential(1): not to be stored
  if (!servesProtocol(cred)) return { kind: 'ignored', why: 'not http' }
  // A token typed at our prompt: saved (or not) as the user chose, nothing more.
  if (i.pending !== false) return need({ kind: 'pending' })
  // A session-only token the daemon handed out: never written anywhere.
  if (cred.password && cred.username !== undefined) {
    if (i.session === undefined) return need({ kind: 'session' })
    if (i.session && i.session.secret === cred.password && i.session.username === cred.username) return { kind: 'session' }
  }
  const secret = sentSecret(cred)
  // git's credential-store keeps an empty username or password (t0303 "can store empty username"); so do we.
  if (secret === undefined || !cred.protocol || !cred.host) return { kind: 'ignored', why: 'no secret, protocol or host' }
  if (!cred.authtype && cred.username === undefined) return { kind: 'ignored', why: 'no username' }
  const target = targetOf(cred)
  if (!target || target.path === null) return { kind: 'ignored', why: 'a path that cannot be a scope' }
  const ours = findOurs(i, target, secret)
  if (ours && 'kind' in ours) return ours
  if (ours) {
    const fresh = ours.lastUsed !== undefined && i.now.getTime() - Date.parse(ours.lastUsed) < LAST_USED_FRESH_MS
    return { kind: 'used', token: ours, write: !fresh }
  }
  const scope: Scope = {
    protocol: target.protocol as Scope['protocol'],
    host: target.host!,
    port: target.port,
    path: cred.path !== undefined ? (normalisePath(cred.path) ?? []) : [],
    wildcard: false,
  }
  const scopeText = formatScope(scope)
  const dead = findDead(i, target.host!, scopeText, cred.username ?? '', secret)
  if (dead) return dead
  return save(i, secret, scope, scopeText)
}

/** The token get would send for this target whose secret is the one git used. */
function findOurs(i: StoreInput, target: Target, secret: string): TokenRecord | StoreOutcome | undefined {
  for (const c of usable(i.tokens, target, i.now)) {
    const looked = i.secrets.secret(c.token)
    if (looked === undefined) return need({ kind: 'secret', token: c.token })
    // Unreadable: it cannot be shown to be ours.
    if ('secret' in looked && looked.secret === secret) return c.token
  }
  return undefined
}

/**
 * One of our tokens that get would not send (disabled, rejected, expired)
 * whose secret is the one git reports. git asks every configured helper and
 * stores into all of them, so another helper (store, cache) can hand git a
 * token we withheld; saving it again as a new active token would undo the
 * user's disable or our expiry. The record is left as it is. The record
 * that save would overwrite (git's credential-store semantics for what
 * store saved) is not counted.
 */
function findDead(i: StoreInput, host: string, scopeText: string, username: string, secret: string): StoreOutcome | undefined {
  for (const t of i.tokens) {
    const why = deadWhy(t, i.now)
    if (!why) continue
    if (t.origin === 'store' && t.scope === scopeText && t.username === username) continue
    if (scopeOf(t)?.host !== host) continue
    const looked = i.secrets.secret(t)
    if (looked === undefined) return need({ kind: 'secret', token: t })
    if ('secret' in looked && looked.secret === secret) return { kind: 'kept-dead', token: t, why }
  }
  return undefined
}

const deadWhy = (t: TokenRecord, now: Date): string =>
  t.state === 'disabled' ? 'disabled' : t.state === 'rejected' ? 'rejected' : isExpired(t, now) ? 'expired' : ''

function save(i: StoreInput, secret: string, scope: Scope, scopeText: string): Save {
  const cred = i.cred
  const username = cred.username ?? ''
  const at = i.now.toISOString()
  // git's credential-store replaces an entry for the same URL and user; we
  // do the same for what store saved, and never touch tokens made with add.
  const old = i.tokens.find(t => t.origin === 'store' && t.scope === scopeText && t.username === username)
  const rec: TokenRecord = old
    ? { ...old }
    : {
        name: uniqueName(
          i.tokens.map(t => t.name),
          storeName(scope, username),
        ),
        scope: scopeText,
        username,
        provider: 'generic',
        expires: null,
        access: 'read-write',
        created: at,
        state: 'active',
        source: 'keychain',
        origin: 'store',
      }
  rec.expires = cred.passwordExpiryUtc !== undefined ? new Date(cred.passwordExpiryUtc * 1000).toISOString() : null
  rec.authtype = cred.authtype && cred.credential ? cred.authtype : undefined
  rec.state = 'active'
  delete rec.rejected
  rec.lastUsed = at
  const dropRefresh = !cred.oauthRefreshToken && !!rec.hasRefreshToken
  if (cred.oauthRefreshToken) rec.hasRefreshToken = true
  else delete rec.hasRefreshToken
  return { kind: 'save', record: rec, fresh: !old, secret, refreshToken: cred.oauthRefreshToken || undefined, dropRefresh }
}

/** A readable name for a stored credential: `host[-port][-path]-user`. */
function storeName(scope: Scope, username: string): string {
  const parts = [scope.host.replace(/[[\]]/g, ''), scope.port ?? '', ...scope.path, username || 'token']
  return parts
    .filter(p => p !== '')
    .join('-')
    .replace(/[^A-Za-z0-9._@-]+/g, '_')
}
