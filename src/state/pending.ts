// A credential typed at the prompt, waiting for git's verdict. It
// sits in a 0600 file under statePaths().pending (dir 0700) until git calls
// `store` with exactly that credential (then it is saved as the user chose)
// or `erase` (dropped, so a typo is never remembered). Entries older than
// ten minutes are removed on every access. Nothing else ever holds the secret
// outside the keychain.
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { trustDir, type PathUse } from '../runtime/trusted-path.js'
import { STATE } from './trusted-state.js'
import { join } from 'node:path'
import type { Credential } from '../core/protocol.js'
import { statePaths } from './paths.js'
import { updateMetadata, type TokenRecord } from './tokens.js'
import { refreshAccount, writeSecret } from './sources/index.js'
import { deleteSecret } from './sources/keychain.js'
import { day } from '../core/expiry.js'
import { uniqueName } from '../core/names.js'

/** Where to remember a typed token; `renew` is the scope of the expired or rejected token it renews. */
export type Choice = 'repo' | 'group' | 'host' | 'renew' | 'session' | 'none'

export interface PendingEntry {
  created: string
  protocol: string
  host: string
  path?: string
  username: string
  password: string
  choice: Choice
  /** Canonical scope to save under (repo, group and host choices). */
  scope?: string
  expires: string | null
  provider: string
  /** The name to save it as (made unique then), the renewed token's for its scope. */
  name: string
  /** An expired or rejected token for the same scope and user, renewed in place. */
  replaces?: string
  /** The URL the prompt was for (description only). */
  url: string
}

export const PENDING_TTL_MS = 10 * 60_000

/** Typed secrets wait here: the directory is ours and closed to everyone else (runtime/trusted-path.ts). */
const PENDING: PathUse = { ...STATE, purpose: 'keep typed tokens in it' }

/** Create the directory 0700, or refuse one that someone else could read or write. */
function ensureDir(dir: string): void {
  trustDir(dir, PENDING, { private: true, create: true })
}

/** Hold a typed credential until git reports on it. Returns the file. */
export function addPending(dir: string, entry: PendingEntry, now: Date): string {
  ensureDir(dir)
  sweep(dir, now)
  const id = globalThis.crypto.randomUUID() // Web Crypto: no node:crypto load on git's path
  const tmp = join(dir, `.${id}.tmp`)
  const file = join(dir, `${id}.json`)
  const fd = openSync(tmp, 'wx', 0o600)
  try {
    writeSync(fd, JSON.stringify(entry))
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, file) // readers never see half an entry
  return file
}

interface Loaded {
  file: string
  entry: PendingEntry
}

/** Read every live entry, deleting expired, foreign and unreadable ones. */
function load(dir: string, now: Date): Loaded[] {
  let names: string[]
  try {
    // Not ours alone: nothing there is read (nor deleted).
    if (!trustDir(dir, PENDING, { private: true })) return []
    names = readdirSync(dir)
  } catch {
    return [] // no directory: nothing pending (the common case)
  }
  const out: Loaded[] = []
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined
  for (const n of names) {
    const file = join(dir, n)
    try {
      const st = lstatSync(file)
      const old = now.getTime() - st.mtimeMs > PENDING_TTL_MS
      if (!n.endsWith('.json')) {
        if (old) unlinkSync(file) // a temp file left by a killed prompt
        continue
      }
      if (!st.isFile() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0 || old) {
        unlinkSync(file)
        continue
      }
      const entry = JSON.parse(readFileSync(file, 'utf8')) as PendingEntry
      const age = now.getTime() - Date.parse(entry.created)
      if (!(age <= PENDING_TTL_MS)) {
        unlinkSync(file)
        continue
      }
      out.push({ file, entry })
    } catch {
      try {
        unlinkSync(file)
      } catch {
        /* gone already */
      }
    }
  }
  return out
}

/** Whether any entry may be waiting, expired or not (a cheap look: nothing is read or swept). */
export function anyPending(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0
  } catch {
    return false // none yet
  }
}

/** Remove entries older than ten minutes. */
export function sweep(dir: string, now: Date): void {
  load(dir, now)
}

const same = (a: string | undefined, b: string | undefined) => (a ?? '') === (b ?? '')

/** The entry for exactly this credential (removed from disk), or null. */
export function takePending(dir: string, cred: Credential, now: Date): PendingEntry | null {
  if (!cred.password) return null
  let found: PendingEntry | null = null
  for (const { file, entry } of load(dir, now)) {
    const match =
      same(entry.protocol, cred.protocol) &&
      same(entry.host, cred.host) &&
      same(entry.path, cred.path) &&
      same(entry.username, cred.username) &&
      entry.password === cred.password
    if (!match) continue
    unlinkSync(file)
    found = found ?? entry
  }
  return found
}

/**
 * Drop entries an `erase` covers: attributes git did not send match
 * anything, a password when sent must be equal. Returns how many.
 */
export function dropPending(dir: string, cred: Credential, now: Date): number {
  let n = 0
  for (const { file, entry } of load(dir, now)) {
    if (cred.protocol !== undefined && !same(entry.protocol, cred.protocol)) continue
    if (cred.host !== undefined && !same(entry.host, cred.host)) continue
    if (cred.path !== undefined && !same(entry.path, cred.path)) continue
    if (cred.username !== undefined && !same(entry.username, cred.username)) continue
    if (cred.password !== undefined && entry.password !== cred.password) continue
    unlinkSync(file)
    n++
  }
  return n
}

/**
 * `store` hook: if git reports success for a credential typed at the prompt,
 * do what the user chose with it and return true (store does nothing else,
 * so "not at all" really means not at all). False if it is not ours.
 */
export async function settlePending(cred: Credential, env: NodeJS.ProcessEnv, now: Date): Promise<boolean> {
  const entry = takePending(statePaths(env).pending, cred, now)
  if (!entry) return false
  const { say } = await import('../log/stderr.js')
  if (entry.scope && entry.choice !== 'session' && entry.choice !== 'none') {
    const saved = await savePrompted(entry, env, now)
    // git has just reported success: say what became of the typed token.
    const expires = saved.expires ? `expires ${day(saved.expires)}` : 'expiry unknown'
    say(`saved token '${saved.name}' for ${saved.scope}, ${expires}${saved.renewed ? ' (renewed: the old secret is replaced)' : ''}`)
  } else if (entry.scope && entry.choice === 'session') {
    // Held in the daemon's memory only; without a daemon, not at all.
    const { putSession } = await import('./secrets.js')
    const expires = entry.expires ? new Date(entry.expires) : undefined
    if (await putSession(entry.scope, entry.username, entry.password, expires, env).catch(() => false)) {
      say(`holding the token for ${entry.scope} for this session only; it was not saved`)
    } else say('the daemon could not hold the token for this session; it was not remembered')
  }
  return true // 'none': git's success changes nothing
}

async function savePrompted(e: PendingEntry, env: NodeJS.ProcessEnv, now: Date): Promise<TokenRecord & { renewed?: boolean }> {
  const at = now.toISOString()
  const saved = await updateMetadata(statePaths(env).metadata, async meta => {
    // The prompt said "token 'x' expired/was rejected": the new secret renews x.
    const old = e.replaces
      ? meta.tokens.find(t => t.name === e.replaces && t.scope === e.scope && t.username === e.username && t.source === 'keychain' && t.state !== 'disabled')
      : undefined
    if (old) {
      await renew(old, e, at)
      return { ...old, renewed: true }
    }
    const rec: TokenRecord = {
      name: uniqueName(
        meta.tokens.map(t => t.name),
        e.name,
      ),
      scope: e.scope!,
      username: e.username,
      provider: e.provider,
      expires: e.expires,
      access: 'read-write',
      description: `typed at the prompt for ${e.url}`,
      created: at,
      lastUsed: at,
      state: 'active',
      source: 'keychain',
      origin: 'prompt',
    }
    await writeSecret(rec, e.password)
    meta.tokens.push(rec)
    return { ...rec }
  })
  if (e.path !== undefined && e.choice !== 'host') await ensureUseHttpPath(e, env, now)
  return saved
}

/** A new secret and expiry for the same record, as `rotate` gives one. */
async function renew(old: TokenRecord, e: PendingEntry, at: string): Promise<void> {
  old.expires = e.expires
  old.state = 'active'
  old.rotated = at
  old.lastUsed = at
  delete old.rejected
  // What the forge and servers said was about the old secret.
  delete old.checked
  delete old.denied
  await writeSecret(old, e.password)
  // A refresh token belonged to the old secret.
  if (old.hasRefreshToken) {
    await deleteSecret(refreshAccount(old.name)).catch(() => false)
    delete old.hasRefreshToken
  }
}

/** As `add` does for path scopes: git sends the path only with useHttpPath. */
async function ensureUseHttpPath(e: PendingEntry, env: NodeJS.ProcessEnv, now: Date): Promise<void> {
  const origin = `${e.protocol}://${e.host}`
  const { credentialSetting, parseBool } = await import('../gitconfig/settings.js')
  if (parseBool(credentialSetting('useHttpPath', origin, env)) === true) return
  const { setUseHttpPath } = await import('../gitconfig/use-http-path.js')
  try {
    setUseHttpPath(origin, 'global', env, now)
  } catch {
    /* the token is saved; doctor reports the missing setting */
  }
}
