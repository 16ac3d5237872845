// `store`: git reports a credential that worked (SPEC §2). If it is one of
// ours, only its last use is recorded. Otherwise it is saved as a new token
// scoped to exactly what git sent, with its expiry and refresh token.
import { sentSecret, type Credential } from '../core/protocol.js'
import { formatScope, normalisePath, targetOf, type Scope, type Target } from '../core/scope.js'
import { isExpired, scopeOf, usable } from '../core/select.js'
import { LAST_USED_FRESH_MS, readTokensFor, updateMetadata, type Metadata, type TokenRecord } from '../state/tokens.js'
import { statePaths } from '../state/paths.js'
import { writeSecret, refreshAccount } from '../state/sources/index.js'
import { isSessionCredential, resolveSecret } from '../state/secrets.js'
import { note } from '../log/log.js'
import { setSecret, deleteSecret } from '../state/sources/keychain.js'
import { settlePending } from '../state/pending.js'
import { uniqueName } from '../core/names.js'
import { keptCredential } from './kept-username.js'

export interface StoreDeps {
  now?: Date
  env?: NodeJS.ProcessEnv
}

export async function store(cred: Credential, deps: StoreDeps = {}): Promise<void> {
  const now = deps.now ?? new Date()
  const env = deps.env ?? process.env
  if (cred.ephemeral) return // git-credential(1): ephemeral credentials are not to be stored
  // A token typed at our prompt: saved (or not) as the user chose, nothing more.
  if (await settlePending(cred, env, now)) return void note({ outcome: 'prompt-settled' })
  // A session-only token the daemon handed out: never written anywhere (SPEC §8).
  if (await isSessionCredential(cred, env)) return void note({ outcome: 'session' })
  const secret = sentSecret(cred)
  // git's credential-store keeps an empty username or password (t0303 "can store empty username"); so do we.
  if (secret === undefined || !cred.protocol || !cred.host) return
  if (!cred.authtype && cred.username === undefined) return
  const kept = keptCredential(cred, env) // never a token as the username (git/kept-username.ts)
  if (!kept) return
  cred = kept
  const target = targetOf(cred)
  if (!target || target.path === null) return
  const scope: Scope = {
    protocol: target.protocol as Scope['protocol'],
    host: target.host!,
    port: target.port,
    path: cred.path !== undefined ? (normalisePath(cred.path) ?? []) : [],
    wildcard: false,
  }
  const file = statePaths(env).metadata
  // Nearly every store is git confirming the token `get` just gave it. Find
  // it without the lock; a last use recorded within the minute needs no write.
  const ours = await findOurs(readTokensFor(file, target.host!), target, secret, now, env)
  if (ours && ours.lastUsed && now.getTime() - Date.parse(ours.lastUsed) < LAST_USED_FRESH_MS) {
    return void note({ outcome: 'used', name: ours.name, scope: ours.scope })
  }
  await updateMetadata(file, async meta => {
    // Same record as checked above (not rotated or replaced meanwhile)?
    const same = ours && meta.tokens.find(t => t.name === ours.name && t.source === ours.source && t.rotated === ours.rotated)
    const mine = same ?? (ours ? await findOurs(meta.tokens, target, secret, now, env) : undefined)
    if (mine) {
      mine.lastUsed = now.toISOString()
      return void note({ outcome: 'used', name: mine.name, scope: mine.scope })
    }
    const dead = await findDead(meta, target, formatScope(scope), cred.username ?? '', secret, now, env)
    if (dead) return void note({ outcome: 'kept-dead', name: dead.name, why: `the secret is token '${dead.name}', which is ${deadWhy(dead, now)}` })
    await saveNew(meta, cred, secret, formatScope(scope), scope, now)
  })
}

/** The token `get` would send for this target whose secret is the one git used. */
async function findOurs(tokens: TokenRecord[], target: Target, secret: string, now: Date, env: NodeJS.ProcessEnv): Promise<TokenRecord | undefined> {
  for (const c of usable(tokens, target, now)) {
    try {
      if ((await resolveSecret(c.token, env)) === secret) return c.token
    } catch {
      // unreadable: it cannot be shown to be ours
    }
  }
  return undefined
}

/**
 * One of our tokens that get would not send (disabled, rejected, expired)
 * whose secret is the one git reports. git asks every configured helper and
 * stores into all of them, so another helper (store, cache) can hand git a
 * token we withheld; saving it again as a new active token would undo the
 * user's disable or our expiry (issue 10). The record is left as it is. The
 * record that saveNew itself would overwrite (git's credential-store
 * semantics for what store saved) is not counted.
 */
async function findDead(
  meta: Metadata,
  target: Target,
  scopeText: string,
  username: string,
  secret: string,
  now: Date,
  env: NodeJS.ProcessEnv,
): Promise<TokenRecord | undefined> {
  for (const t of meta.tokens) {
    if (!deadWhy(t, now)) continue
    if (t.origin === 'store' && t.scope === scopeText && t.username === username) continue
    if (scopeOf(t)?.host !== target.host) continue
    try {
      if ((await resolveSecret(t, env)) === secret) return t
    } catch {
      // unreadable: it cannot be shown to be this secret
    }
  }
  return undefined
}

const deadWhy = (t: TokenRecord, now: Date): string =>
  t.state === 'disabled' ? 'disabled' : t.state === 'rejected' ? 'rejected' : isExpired(t, now) ? 'expired' : ''

async function saveNew(meta: Metadata, cred: Credential, secret: string, scopeText: string, scope: Scope, now: Date): Promise<void> {
  const username = cred.username ?? ''
  // git's credential-store replaces an entry for the same URL and user; we
  // do the same for what store saved, and never touch tokens made with add.
  let rec = meta.tokens.find(t => t.origin === 'store' && t.scope === scopeText && t.username === username)
  const fresh = !rec
  if (!rec) {
    rec = {
      name: uniqueName(
        meta.tokens.map(t => t.name),
        storeName(scope, username),
      ),
      scope: scopeText,
      username,
      provider: 'generic',
      expires: null,
      access: 'read-write',
      created: now.toISOString(),
      state: 'active',
      source: 'keychain',
      origin: 'store',
    }
  }
  rec.expires = cred.passwordExpiryUtc !== undefined ? new Date(cred.passwordExpiryUtc * 1000).toISOString() : null
  rec.authtype = cred.authtype && cred.credential ? cred.authtype : undefined
  rec.state = 'active'
  delete rec.rejected
  rec.lastUsed = now.toISOString()
  await writeSecret(rec, secret)
  if (cred.oauthRefreshToken) {
    await setSecret(refreshAccount(rec.name), cred.oauthRefreshToken)
    rec.hasRefreshToken = true
  } else if (rec.hasRefreshToken) {
    await deleteSecret(refreshAccount(rec.name)).catch(() => false)
    delete rec.hasRefreshToken
  }
  if (fresh) meta.tokens.push(rec)
  note({ outcome: 'saved', name: rec.name, scope: rec.scope })
}

/** A readable name for a stored credential: `host[-port][-path]-user`. */
function storeName(scope: Scope, username: string): string {
  const parts = [scope.host.replace(/[[\]]/g, ''), scope.port ?? '', ...scope.path, username || 'token']
  return parts
    .filter(p => p !== '')
    .join('-')
    .replace(/[^A-Za-z0-9._@-]+/g, '_')
}
