// What importing a manifest changes (pure): the records it declares, how
// they differ from the store's, and the manifest `export` writes back. Only
// declared fields are compared; what the helper learned at run time (last
// use, a rejection, the forge's answer to check) is not the manifest's and
// is kept on a changed record.
import { day } from './expiry.js'
import type { ManifestEntry, Manifest } from './manifest.js'
import { MANIFEST_VERSION } from './manifest.js'
import type { TokenRecord } from './model.js'

/** A record as the manifest manages it: `secretFrom` rides along (never a secret, only where one is read). */
export type ManagedRecord = TokenRecord & { secretFrom?: string }

/** The declared fields, in the order changes are named. */
const DECLARED = ['scope', 'username', 'provider', 'expires', 'access', 'description', 'source', 'secretFrom', 'auth', 'state', 'created'] as const
type Declared = (typeof DECLARED)[number]

export interface Change {
  before: ManagedRecord
  after: ManagedRecord
  /** Field names that differ, plus `secret` when a keychain secret from secretFrom differs. */
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
 * the entry gives it.
 */
export function planImport(
  existing: readonly TokenRecord[],
  entries: readonly ManifestEntry[],
  desired: readonly ManagedRecord[],
  o: { prune?: boolean; secretChanged?: ReadonlySet<string> } = {},
): ImportPlan {
  const plan: ImportPlan = { add: [], change: [], remove: [], same: [] }
  desired.forEach((want, i) => {
    const have = existing.find(t => t.name === want.name) as ManagedRecord | undefined
    if (!have) return plan.add.push(want)
    const fields = DECLARED.filter(f => f !== 'created' || entries[i].created !== undefined).filter(f => !sameField(f, have, want))
    if (o.secretChanged?.has(want.name)) fields.push('secret' as Declared)
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
