// What importing a manifest changes (pure): the records it declares, how
// they differ from the store's, and the manifest `export` writes back. Only
// declared fields are compared; what the helper learned at run time (last
// use, a rejection, the forge's answer to check) is not the manifest's and
// is kept on a changed record.
import { day } from './expiry.js'
import type { ManifestEntry, Manifest } from './manifest.js'
import { MANIFEST_VERSION } from './manifest.js'
import { redactWords } from './redact.js'
import type { TokenRecord } from './model.js'

/** A record as the manifest manages it: `secretFrom` rides along (never a secret, only where one is read). */
export type ManagedRecord = TokenRecord & { secretFrom?: string }

/** The change of a token whose keychain secret is missing: it now awaits one. */
const AWAITING = 'awaiting secret'

/** The declared fields, in the order changes are named. */
const DECLARED = ['scope', 'username', 'provider', 'expires', 'access', 'description', 'source', 'secretFrom', 'auth', 'state', 'created'] as const
type Declared = (typeof DECLARED)[number]

export interface Change {
  before: ManagedRecord
  after: ManagedRecord
  /**
   * Field names that differ, plus `secret` when a keychain secret read for
   * it differs, or `awaiting secret` when its keychain secret is missing.
   */
  fields: string[]
}

export interface ImportPlan {
  add: ManagedRecord[]
  change: Change[]
  remove: TokenRecord[]
  same: string[]
}

/** Defaults resolved outside (git config, the forge's conventions): the entry's provider and username. */
export interface Resolved {
  provider: string
  username: string
}

/** The declared part of a record for an entry. */
export function declaredRecord(e: ManifestEntry, r: Resolved, now: Date): ManagedRecord {
  const rec: ManagedRecord = {
    name: e.name,
    scope: e.scope,
    username: r.username,
    provider: r.provider,
    expires: e.expires ?? null,
    access: e.access ?? 'read-write',
    created: e.created ?? now.toISOString(),
    state: e.disabled ? 'disabled' : 'active',
    source: e.source,
    origin: 'add',
  }
  if (e.description) rec.description = e.description
  if (e.secretFrom) rec.secretFrom = e.secretFrom
  if (e.auth === 'bearer') rec.auth = 'bearer'
  return rec
}

/**
 * The plan: new names are added; a name whose declared fields differ (or
 * whose keychain secret differs, `secretChanged`) is changed; with `prune`,
 * names not in the manifest are removed. `created` is compared only where
 * the entry gives it. Keychain tokens in `awaiting` get no secret: they are
 * recorded awaiting one (git's prompt offers to renew them).
 */
export function planImport(
  existing: readonly TokenRecord[],
  entries: readonly ManifestEntry[],
  desired: readonly ManagedRecord[],
  o: { prune?: boolean; secretChanged?: ReadonlySet<string>; awaiting?: ReadonlySet<string> } = {},
): ImportPlan {
  const plan: ImportPlan = { add: [], change: [], remove: [], same: [] }
  desired.forEach((want, i) => {
    const have = existing.find(t => t.name === want.name) as ManagedRecord | undefined
    const awaits = want.source === 'keychain' && !!o.awaiting?.has(want.name)
    if (!have) return plan.add.push(awaits ? { ...want, awaitingSecret: true } : want)
    const fields: string[] = DECLARED.filter(f => f !== 'created' || entries[i].created !== undefined).filter(f => !sameField(f, have, want))
    if (o.secretChanged?.has(want.name)) fields.push('secret')
    if (awaits && !have.awaitingSecret) fields.push(AWAITING)
    if (fields.length) plan.change.push({ before: have, after: merged(have, want, fields), fields })
    else plan.same.push(want.name)
  })
  if (o.prune) plan.remove = existing.filter(t => !desired.some(d => d.name === t.name))
  return plan
}

function sameField(f: Declared, have: ManagedRecord, want: ManagedRecord): boolean {
  // A rejected token is active as far as the manifest goes: the rejection is an observation.
  if (f === 'state') return (have.state === 'disabled') === (want.state === 'disabled')
  if (f === 'auth') return (have.auth === 'bearer') === (want.auth === 'bearer')
  const a = have[f] ?? undefined
  const b = want[f] ?? undefined
  return (a === '' ? undefined : a) === (b === '' ? undefined : b)
}

/** The changed record: the declared fields from the manifest, the rest kept. */
function merged(have: ManagedRecord, want: ManagedRecord, fields: readonly string[]): ManagedRecord {
  const out: ManagedRecord = { ...have }
  for (const f of DECLARED) {
    if (f === 'state' || (f === 'created' && !fields.includes('created'))) continue
    if (want[f] === undefined) delete out[f]
    else (out as unknown as Record<string, unknown>)[f] = want[f]
  }
  if (fields.includes(AWAITING)) out.awaitingSecret = true
  // Only a keychain token awaits a secret; elsewhere the source holds it.
  if (out.source !== 'keychain') delete out.awaitingSecret
  if (want.state === 'disabled') out.state = 'disabled'
  else if (have.state === 'disabled') out.state = 'active'
  // A new secret or a new scope: what was observed about the old one no longer holds.
  if (fields.some(f => f === 'secret' || f === 'scope' || f === 'source' || f === 'secretFrom')) {
    if (out.state === 'rejected') out.state = 'active'
    delete out.rejected
    delete out.denied
    delete out.checked
  }
  return out
}

export const planChanges = (p: ImportPlan): number => p.add.length + p.change.length + p.remove.length

/** One line per change, for the user (never a secret: records hold none). */
export function describePlan(p: ImportPlan, dryRun: boolean): string[] {
  const w = (done: string, would: string) => (dryRun ? would : done)
  return [
    ...p.add.map(r => `${w('added', 'would add')} '${r.name}' for ${r.scope} (${r.source === 'keychain' ? 'keychain' : r.source.split(':')[0] + ':…'})`),
    ...p.change.map(c => `${w('changed', 'would change')} '${c.after.name}': ${c.fields.join(', ')}`),
    ...p.remove.map(r => `${w('removed', 'would remove')} '${r.name}' (${r.scope})`),
  ]
}

/** The manifest for a store's tokens: everything import reads, never a secret. */
export function exportManifest(tokens: readonly TokenRecord[]): Manifest {
  const sorted = [...tokens].sort((a, b) => a.scope.localeCompare(b.scope) || a.name.localeCompare(b.name)) as ManagedRecord[]
  return { version: MANIFEST_VERSION, tokens: sorted.map(exportEntry) }
}

function exportEntry(t: ManagedRecord): ManifestEntry {
  const e: ManifestEntry = {
    name: t.name,
    scope: t.scope,
    username: t.username,
    provider: t.provider,
    // A day at 00:00 UTC reads back as the date add takes; anything else as the timestamp.
    expires: t.expires === null ? null : t.expires.endsWith('T00:00:00.000Z') ? day(t.expires) : t.expires,
    access: t.access,
    source: t.source,
  }
  if (t.description) e.description = t.description
  if (t.secretFrom) e.secretFrom = t.secretFrom
  if (t.auth === 'bearer') e.auth = 'bearer'
  if (t.state === 'disabled') e.disabled = true
  e.created = t.created
  return e
}

/** Tokens by name and scope, for one line: `'a' (host/a/*), 'b' (host/b/*)`. */
export const namedList = (rs: readonly TokenRecord[]) => rs.map(r => `'${r.name}' (${r.scope})`).join(', ')

const tokens = (n: number) => `${n} token${n === 1 ? '' : 's'}`

/**
 * What import reads, or with dryRun would read, besides the records: the
 * `secretFrom` sources (where, never what) and the keychain tokens left
 * awaiting a secret, all in one line so a moved setup's gaps are seen at once.
 */
export function describeSecrets(reads: readonly { name: string; from: string }[], awaiting: readonly TokenRecord[], dryRun: boolean): string[] {
  if (dryRun) {
    return [
      // A token pasted into a command line (`exec:echo glpat-…`) is not repeated.
      ...reads.map(r => `would read the secret of '${r.name}' from ${redactWords(r.from)}`),
      ...awaiting.map(r => `'${r.name}' would await its secret (asked for at a terminal, else at git's first use of it)`),
    ]
  }
  if (!awaiting.length) return []
  return [
    `${tokens(awaiting.length)} ${awaiting.length === 1 ? 'awaits' : 'await'} a secret: ${namedList(awaiting)}`,
    `  git asks for ${awaiting.length === 1 ? 'it' : 'each'} at its first use at a terminal (name and scope kept), or give it now: git-credential-pat rotate NAME`,
  ]
}
