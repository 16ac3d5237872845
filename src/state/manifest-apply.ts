// Applying a manifest (issue 15 item 1): read every secret the manifest
// names first (a keychain token's `secretFrom`, or its item already in this
// store's keychain), so a source that fails changes nothing; then, under the
// metadata lock, plan again against the file as it is and apply the plan:
// keychain secrets written, records added, changed and (with --prune)
// removed with their keychain items. Only this metadata file's tokens are
// touched (keychain-account.ts).
import { PatError } from '../errors.js'
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
  env?: NodeJS.ProcessEnv
}

/** What import did (or, with dryRun, would do). */
export async function applyManifest(entries: readonly ManifestEntry[], desired: readonly ManagedRecord[], o: ApplyOptions = {}): Promise<ImportPlan> {
  const env = o.env ?? process.env
  const file = statePaths(env).metadata
  const before = readMetadata(file).tokens
  const secrets = await gatherSecrets(before, desired, env)
  const changed = await secretsChanged(before, secrets)
  const plan = planImport(before, entries, desired, { prune: o.prune, secretChanged: changed })
  if (o.dryRun) return plan
  return updateMetadata(file, async m => {
    // Another process may have changed the file since: plan against what is there now.
    const now = planImport(m.tokens, entries, desired, { prune: o.prune, secretChanged: changed })
    await applyPlan(m.tokens, now, secrets)
    return now
  })
}

/**
 * The secret of every keychain token the manifest declares: read from its
 * `secretFrom`, or else it must already be in this store's keychain. Any
 * failure throws before anything changed.
 */
async function gatherSecrets(existing: readonly TokenRecord[], desired: readonly ManagedRecord[], env: NodeJS.ProcessEnv): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const d of desired) {
    if (d.source !== 'keychain') continue
    if (d.secretFrom) {
      // The source readers name the token and the source, never the secret.
      out.set(d.name, await readSecret({ ...d, source: d.secretFrom }, env))
      continue
    }
    const have = existing.find(t => t.name === d.name)
    if (have?.source === 'keychain' && have.emptySecret) continue
    const present = storeId() !== null && (await getSecret(d.name)) !== null
    if (!present) {
      throw new PatError(
        'SOURCE',
        `token '${d.name}': its source is keychain, but this store's keychain has no secret under that name; add "secretFrom": "env:VAR" (or file:, exec:) to the entry, or add the token first; nothing was changed`,
      )
    }
  }
  return out
}

/** Names whose keychain secret would change: the one from secretFrom differs from the one stored. */
async function secretsChanged(existing: readonly TokenRecord[], secrets: ReadonlyMap<string, string>): Promise<Set<string>> {
  const changed = new Set<string>()
  for (const [name, secret] of secrets) {
    const have = existing.find(t => t.name === name)
    if (!have || have.source !== 'keychain') continue // added, or its source changes anyway
    const stored = have.emptySecret ? '' : await getSecret(name)
    if (stored !== secret) changed.add(name)
  }
  return changed
}

async function applyPlan(tokens: TokenRecord[], plan: ImportPlan, secrets: ReadonlyMap<string, string>): Promise<void> {
  for (const r of plan.add) {
    const secret = secrets.get(r.name)
    if (secret !== undefined) await writeSecret(r, secret)
    tokens.push(r)
  }
  for (const c of plan.change) {
    const secret = secrets.get(c.after.name)
    if (c.after.source === 'keychain' && secret !== undefined && (c.fields.includes('secret') || c.before.source !== 'keychain')) {
      await writeSecret(c.after, secret)
      if (c.fields.includes('secret')) c.after.rotated = new Date().toISOString()
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
