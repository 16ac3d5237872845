// What a daemon-cached secret is keyed by (SPEC §8): the token record it
// was read for. Shared by the client (secrets.ts) and the daemon, which
// answers whole requests itself (daemon/helper-answer.ts).
import type { TokenRecord } from './tokens.js'
import { storeId } from './keychain-account.js'

/**
 * Only sources that cost something are cached: the keychain (and its
 * unlock prompts) and exec: commands. env: is per process and free; file:
 * is a stat and a read, and may change under us.
 */
export const cacheable = (t: TokenRecord) => t.source === 'keychain' || t.source.startsWith('exec:')

/**
 * What a cached secret was read for: the record without fields that change
 * on every use. A rotate, re-add, disable or erase by any process changes
 * it, so the daemon's copy no longer matches and the source is read again.
 */
export function stampOf(t: TokenRecord, env: NodeJS.ProcessEnv = process.env): string {
  const { lastUsed: _used, checked: _checked, ...rest } = t
  // Where a keychain secret came from: the service (tests use one per
  // sandbox) and the store id of the metadata file, which names the account
  // (keychain-account.ts): a same-named token of another home is another secret.
  const where = t.source === 'keychain' || t.hasRefreshToken ? [env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE ?? '', storeId() ?? ''] : ['', '']
  return JSON.stringify([rest, ...where])
}
