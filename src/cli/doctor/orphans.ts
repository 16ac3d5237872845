// doctor: our token records against the keychain's items, both ways.
import type { TokenRecord } from '../../state/tokens.js'
import { refreshAccount } from '../../state/sources/index.js'
import { accountIn, isStoreAccount, nameOf } from '../../state/keychain-account.js'
import { check, type Check } from './check.js'

/**
 * Our records against the keychain's accounts. Ours are the accounts under
 * this metadata file's store id (keychain-account.ts); another home's items
 * (another id) are never ours to call orphans, and bare-name items (schema 1,
 * one namespace for every home) are counted only as legacy.
 */
export function compareKeychain(tokens: TokenRecord[], accounts: string[], id: string | null): Check[] {
  const missing = missingSecrets(tokens, new Set(accounts), id)
  if (!id) {
    return [
      missing,
      check('orphan-secret', 'skip', 'the metadata has no store id yet (written by an older version): its keychain items move under one at the next change'),
    ]
  }
  const legacy = legacySecrets(accounts)
  return [missing, orphanSecrets(tokens, accounts, id), ...(legacy ? [legacy] : [])]
}

function missingSecrets(tokens: TokenRecord[], have: Set<string>, id: string | null): Check {
  // A token awaiting its secret has none by design (doctor's awaiting-secret check names it).
  const missing = tokens.filter(t => t.source === 'keychain' && !t.emptySecret && !t.awaitingSecret && !have.has(accountIn(id, t.name)))
  if (!missing.length) return check('missing-secret', 'ok', 'every keychain token has its secret')
  return check(
    'missing-secret',
    'fail',
    `${missing.length} token${missing.length === 1 ? ' has' : 's have'} a record but no secret in the keychain`,
    missing.map(t => `${t.name} (${t.scope})`),
    missing.map(t => `git-credential-pat rotate ${t.name}   (store the secret again) or: git-credential-pat remove ${t.name} --yes`),
  )
}

const REFRESH = refreshAccount('')

function orphanSecrets(tokens: TokenRecord[], accounts: string[], id: string): Check {
  const names = new Set(tokens.map(t => t.name))
  const orphans = accounts
    .map(a => nameOf(a, id))
    .filter((n): n is string => n !== null)
    .filter(n => !names.has(n.endsWith(REFRESH) ? n.slice(0, -REFRESH.length) : n))
  if (!orphans.length) return check('orphan-secret', 'ok', 'every keychain item of this metadata file has a record')
  return check(
    'orphan-secret',
    'fail',
    `${orphans.length} keychain item${orphans.length === 1 ? ' has' : 's have'} no record (git-credential-pat cannot use or show ${orphans.length === 1 ? 'it' : 'them'})`,
    orphans,
    orphans.map(n => `git-credential-pat remove ${n} --yes`),
  )
}

/** Bare-name items from schema 1, which the probe's leftovers are not. */
function legacySecrets(accounts: string[]): Check | null {
  const legacy = accounts.filter(a => !isStoreAccount(a) && !a.startsWith('#doctor-probe-')).length
  if (!legacy) return null
  return check(
    'legacy-secret',
    'ok',
    `${legacy} keychain item${legacy === 1 ? '' : 's'} under a bare name from an older version (legacy, not ours to judge: another GIT_CREDENTIAL_PAT_HOME not yet upgraded may own ${legacy === 1 ? 'it' : 'them'})`,
  )
}
