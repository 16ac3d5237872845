// The token manifest: a JSON file listing tokens for `import`,
// the way configuration management lays down the same mappings on every
// machine. It never holds a secret: a token's `source` says where git's
// secret is read (keychain, env:VAR, file:PATH, exec:COMMAND), and a
// keychain token's secret is either in this store's keychain already or read
// at import time from `secretFrom`. Parsing is pure and checks the whole file
// before anything changes; the checks `add` makes on its flags are passed in
// (cli/commands/import.ts), so a manifest entry is valid exactly when the
// same `add` would be.
import { PatError } from '../errors.js'
import { isProvider, PROVIDERS } from './providers.js'
import type { Access } from './model.js'

export const MANIFEST_VERSION = 1

/** One token as the manifest declares it (export writes every field it has). */
export interface ManifestEntry {
  name: string
  /** Canonical scope text (formatScope). */
  scope: string
  username?: string
  provider?: string
  /** ISO timestamp, or null for unknown. */
  expires?: string | null
  access?: Access
  description?: string
  /** `keychain` (default), `env:VAR`, `file:PATH` or `exec:COMMAND`. */
  source: string
  /** keychain only: where import reads the secret to put in the keychain (env:, file:, exec:). */
  secretFrom?: string
  auth?: 'basic' | 'bearer'
  disabled?: boolean
  /** ISO timestamp; export writes it so a re-import gives the same records. */
  created?: string
}

export interface Manifest {
  version: number
  tokens: ManifestEntry[]
}

/** What `add` checks on its flags; each throws a PatError naming the problem. */
export interface EntryChecks {
  /** Canonical scope text, or throws (a scope with a password is refused). */
  scope(text: string): string
  /** An ISO timestamp or null (`add --expires`). */
  expires(text: string): string | null
  /** A valid source (`add --source`), as add records it. */
  source(text: string): string
  /** add's --name check, beyond NAME (optional). */
  name?(text: string): string
}

const FIELDS = new Set(['name', 'scope', 'username', 'provider', 'expires', 'access', 'description', 'source', 'secretFrom', 'auth', 'disabled', 'created'])
const SECRET_FIELDS = /^(secret|token|password|pat|value|credential)$/i
/** add's --name rule. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/

/** Parse and check a whole manifest; the first problem throws a USAGE error naming the entry. */
export function parseManifest(text: string, checks: EntryChecks, where = 'the manifest'): ManifestEntry[] {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    // The parser's message may quote the text; only the position is said.
    const pos = /position (\d+)/.exec((e as Error).message)
    const at = pos ? ` (line ${text.slice(0, Number(pos[1])).split('\n').length})` : ''
    throw new PatError('USAGE', `${where} is not valid JSON${at}; nothing was changed`)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw bad(where, 'must be an object {"version": 1, "tokens": [...]}')
  const m = data as Record<string, unknown>
  if (m.version !== undefined && m.version !== MANIFEST_VERSION)
    throw bad(where, `has version ${JSON.stringify(m.version)}; this git-credential-pat reads version 1`)
  for (const k of Object.keys(m)) if (k !== 'version' && k !== 'tokens') throw bad(where, `has an unknown key '${shortKey(k)}' (only version and tokens)`)
  if (!Array.isArray(m.tokens)) throw bad(where, 'has no "tokens" list')
  const entries = m.tokens.map((raw, i) => {
    try {
      return checkEntry(raw, checks)
    } catch (e) {
      if (!(e instanceof PatError)) throw e
      const name =
        typeof (raw as { name?: unknown })?.name === 'string' && NAME.test((raw as { name: string }).name) ? ` ('${(raw as { name: string }).name}')` : ''
      throw new PatError('USAGE', `${where}: entry ${i + 1}${name}: ${e.message}; nothing was changed`)
    }
  })
  const seen = new Set<string>()
  entries.forEach((e, i) => {
    if (seen.has(e.name)) throw new PatError('USAGE', `${where}: entry ${i + 1} ('${e.name}'): the name is used twice; nothing was changed`)
    seen.add(e.name)
  })
  return entries
}

const bad = (where: string, why: string) => new PatError('USAGE', `${where} ${why}; nothing was changed`)
const shortKey = (k: string) => (k.length > 40 || /[\x00-\x1f\x7f]/.test(k) ? 'that key' : k)

function checkEntry(raw: unknown, checks: EntryChecks): ManifestEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PatError('USAGE', 'not an object')
  const r = raw as Record<string, unknown>
  for (const k of Object.keys(r)) {
    // Never echo such a value: it is likely a real token.
    if (SECRET_FIELDS.test(k)) throw new PatError('USAGE', `'${k}': secrets are never in the manifest; name where to read it with "source" or "secretFrom"`)
    if (!FIELDS.has(k)) throw new PatError('USAGE', `unknown key '${shortKey(k)}'`)
  }
  const str = (k: string): string | undefined => {
    const v = r[k]
    if (v === undefined) return undefined
    if (typeof v !== 'string') throw new PatError('USAGE', `"${k}" must be a string`)
    if (/[\x00-\x1f\x7f]/.test(v)) throw new PatError('USAGE', `"${k}" contains control characters`)
    return v
  }
  const name = str('name')
  if (!name || !NAME.test(name)) throw new PatError('USAGE', '"name": use letters, digits and . _ @ + - (at most 128)')
  checks.name?.(name)
  const scopeText = str('scope')
  if (!scopeText) throw new PatError('USAGE', '"scope" is missing')
  const e: ManifestEntry = { name, scope: checks.scope(scopeText), source: checks.source(str('source') ?? 'keychain') }
  const username = str('username')
  if (username !== undefined) {
    if (!username) throw new PatError('USAGE', '"username" is empty')
    e.username = username
  }
  const provider = str('provider')
  if (provider !== undefined) {
    if (!isProvider(provider)) throw new PatError('USAGE', `"provider" must be one of ${PROVIDERS.join(', ')}`)
    e.provider = provider
  }
  if (r.expires === null) e.expires = null
  else if (r.expires !== undefined) e.expires = expiresOf(str('expires')!, checks)
  const access = str('access')
  if (access !== undefined && access !== 'read' && access !== 'read-write') throw new PatError('USAGE', '"access" must be read or read-write')
  if (access) e.access = access
  const description = str('description')
  if (description) e.description = description
  const auth = str('auth')
  if (auth !== undefined && auth !== 'basic' && auth !== 'bearer') throw new PatError('USAGE', '"auth" must be basic or bearer')
  if (auth) e.auth = auth
  checkSecretFrom(e, str('secretFrom'), checks)
  if (r.disabled !== undefined && typeof r.disabled !== 'boolean') throw new PatError('USAGE', '"disabled" must be true or false')
  if (r.disabled === true) e.disabled = true
  const created = str('created')
  if (created !== undefined) {
    if (!ISO.test(created) || Number.isNaN(Date.parse(created))) throw new PatError('USAGE', '"created" must be an ISO timestamp (2026-01-31T00:00:00.000Z)')
    e.created = new Date(created).toISOString()
  }
  return e
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/

/**
 * A date (2027-01-31, as add takes it) or an ISO timestamp (as export may
 * write one). A duration (90d) is refused: it would move on every import,
 * so a second run would never be "no change".
 */
function expiresOf(text: string, checks: EntryChecks): string | null {
  if (ISO.test(text) && !Number.isNaN(Date.parse(text))) return new Date(text).toISOString()
  if (/^\s*-?\d+\s*[dwmy]\s*$/i.test(text))
    throw new PatError('USAGE', `"expires": give a date (2027-01-31), not a duration: a duration would move on every import`)
  return checks.expires(text)
}

function checkSecretFrom(e: ManifestEntry, from: string | undefined, checks: EntryChecks): void {
  if (from === undefined) return
  if (e.source !== 'keychain') throw new PatError('USAGE', `"secretFrom" is only for keychain tokens (this one reads ${e.source.split(':')[0]}: every time)`)
  if (from === 'keychain' || !/^(env|file|exec):/.test(from)) throw new PatError('USAGE', '"secretFrom" must be env:VAR, file:PATH or exec:COMMAND')
  e.secretFrom = checks.source(from)
}
