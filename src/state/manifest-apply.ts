// Applying a manifest (docs/git-credential-pat.md, "import"): work out
// which secrets the manifest needs, read them first (a keychain token's
// `secretFrom`, when the token does not already hold its secret) so a
// source that fails changes nothing, ask for the ones nothing names (or
// leave those tokens awaiting a secret), then, under the metadata lock,
// plan again against the file as it is and apply the plan: keychain secrets
// written, records added, changed and (with --prune) removed with their
// keychain items. Only this metadata file's tokens are touched
// (keychain-account.ts). A dry run reads no secret, runs no command and
// asks the keychain nothing: it says what it would read.
import { planImport, type ImportPlan, type ManagedRecord } from '../core/manifest-plan.js'
import type { ManifestEntry } from '../core/manifest.js'
import { readMetadata, updateMetadata, type TokenRecord } from './tokens.js'
import { statePaths } from './paths.js'
import { storeId } from './keychain-account.js'
import { dropSecret, readSecret, writeSecret } from './sources/index.js'
import { deleteSecret, getSecret } from './sources/keychain.js'

export interface ApplyOptions {
  prune?: boolean
  dryRun?: boolean
  /** Read every `secretFrom` again, even for tokens that hold their secret. */
  refreshSecrets?: boolean
  env: NodeJS.ProcessEnv
  /** When the new secrets are written (a rotation's date). */
  now: Date
  /**
   * The secrets of keychain tokens that have none and no `secretFrom`
   * (asked at a terminal); a token left out awaits its secret.
   */
  askMissing?: (missing: readonly ManagedRecord[]) => Promise<ReadonlyMap<string, string>>
}

export interface ApplyResult {
  plan: ImportPlan
  /** The `secretFrom` sources read (with dryRun: that would be read). */
  reads: { name: string; from: string }[]
  /** Keychain tokens left without a secret (with dryRun: that would be). */
  awaiting: ManagedRecord[]
}

/** What import did (or, with dryRun, would do). */
export async function applyManifest(entries: readonly ManifestEntry[], desired: readonly ManagedRecord[], o: ApplyOptions): Promise<ApplyResult> {
  const { env } = o
  const file = statePaths(env).metadata
  const before = readMetadata(file).tokens
  const needs = await secretNeeds(before, desired, !!o.refreshSecrets, !!o.dryRun)
  if (o.dryRun) {
    const awaiting = new Set(needs.missing.map(d => d.name))
    return { plan: planImport(before, entries, desired, { prune: o.prune, awaiting }), reads: needs.reads, awaiting: needs.missing }
  }
  const secrets = new Map<string, string>()
  for (const r of needs.reads) {
    // The source readers name the token and the source, never the secret.
    const d = desired.find(x => x.name === r.name)!
    secrets.set(r.name, await readSecret({ ...d, source: r.from }, env))
  }
  const asked = needs.missing.length && o.askMissing ? await o.askMissing(needs.missing) : new Map<string, string>()
  for (const [name, secret] of asked) secrets.set(name, secret)
  const awaiting = new Set(needs.missing.filter(d => !secrets.has(d.name)).map(d => d.name))
  const changed = await secretsChanged(before, secrets)
  const plan = await updateMetadata(file, async m => {
    // Another process may have changed the file since: plan against what is there now.
    const current = planImport(m.tokens, entries, desired, { prune: o.prune, secretChanged: changed, awaiting })
    await applyPlan(m.tokens, current, secrets, o.now)
    return current
  })
  return { plan, reads: needs.reads, awaiting: desired.filter(d => awaiting.has(d.name)) }
}

interface Needs {
  /** `secretFrom` to read, by token. */
  reads: { name: string; from: string }[]
  /** Keychain tokens without a secret and nothing that names one. */
  missing: ManagedRecord[]
}

/**
 * Which keychain secrets the manifest needs. A token that already holds its
 * secret in this store's keychain needs none: its `secretFrom` is read only
 * when it is new, was recorded without its secret, names another source
 * than before, or with `refresh`. A dry run asks the keychain nothing and
 * takes a recorded keychain token to hold its secret.
 */
async function secretNeeds(existing: readonly TokenRecord[], desired: readonly ManagedRecord[], refresh: boolean, dryRun: boolean): Promise<Needs> {
  const needs: Needs = { reads: [], missing: [] }
  for (const d of desired) {
    if (d.source !== 'keychain') continue
    const have = existing.find(t => t.name === d.name) as ManagedRecord | undefined
    const recorded = have?.source === 'keychain' && !have.awaitingSecret
    const holds = recorded && (dryRun || (await holdsSecret(have)))
    if (d.secretFrom) {
      if (refresh || !holds || have?.secretFrom !== d.secretFrom) needs.reads.push({ name: d.name, from: d.secretFrom })
    } else if (have?.awaitingSecret || (!holds && (have || dryRun || !(await holdsSecret(d))))) needs.missing.push(d)
  }
  return needs
}

/** Whether this store's keychain has the token's secret (an empty secret is recorded, not kept there). */
async function holdsSecret(t: TokenRecord): Promise<boolean> {
  if (t.emptySecret) return true
  return storeId() !== null && (await getSecret(t.name)) !== null
}

/** Names whose keychain secret would change: the one read differs from the one stored, or there was none. */
async function secretsChanged(existing: readonly TokenRecord[], secrets: ReadonlyMap<string, string>): Promise<Set<string>> {
  const changed = new Set<string>()
  for (const [name, secret] of secrets) {
    const have = existing.find(t => t.name === name)
    if (!have || have.source !== 'keychain') continue // added, or its source changes anyway
    const stored = have.awaitingSecret ? null : have.emptySecret ? '' : await getSecret(name)
    if (stored !== secret) changed.add(name)
  }
  return changed
}

async function applyPlan(tokens: TokenRecord[], plan: ImportPlan, secrets: ReadonlyMap<string, string>, now: Date): Promise<void> {
  for (const r of plan.add) {
    const secret = secrets.get(r.name)
    if (secret !== undefined) await writeSecret(r, secret)
    tokens.push(r)
  }
  for (const c of plan.change) {
    const secret = secrets.get(c.after.name)
    if (c.after.source === 'keychain' && secret !== undefined && (c.fields.includes('secret') || c.before.source !== 'keychain')) {
      await writeSecret(c.after, secret)
      // A first secret is not a rotation.
      if (c.fields.includes('secret') && !c.before.awaitingSecret) c.after.rotated = now.toISOString()
    } else if (c.before.source === 'keychain' && c.after.source !== 'keychain') {
      // Its secret now lives elsewhere; the keychain copy would be an orphan.
      await deleteSecret(c.after.name).catch(() => false)
    }
    tokens[tokens.findIndex(t => t.name === c.after.name)] = c.after
  }
  for (const r of plan.remove) {
    // The secret first: a failure leaves a record without a secret (visible), never the reverse.
    await dropSecret(r)
    tokens.splice(
      tokens.findIndex(t => t.name === r.name),
      1,
    )
  }
}
