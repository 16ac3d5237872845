// What a daemon-cached secret is keyed by: the token record it
// was read for. Shared by the client (secrets.ts) and the daemon, which
// answers whole requests itself (daemon/helper-answer.ts).
import type { TokenRecord } from '../core/model.js'
import { storeId } from './keychain-account.js'
import { randomBytes } from '../runtime/crypto.js'

/**
 * Only sources that cost something are cached: the keychain (and its
 * unlock prompts) and exec: commands. env: is per process and free; file:
 * is a stat and a read, and may change under us.
 */
export const cacheable = (t: TokenRecord) => t.source === 'keychain' || t.source.startsWith('exec:')

/**
 * What a cached secret was read for: the record without fields that change
 * on every use. A rotate, re-add, disable or erase by any process changes
 * it, and so does every write of the secret (secretRev, below), so the
 * daemon's copy no longer matches and the source is read again, whether or
 * not the daemon was told: a daemon too slow to take the `forget` (a loaded
 * machine) must not answer the old secret once it catches up.
 */
export function stampOf(t: TokenRecord, env: NodeJS.ProcessEnv): string {
  const { lastUsed: _used, checked: _checked, ...rest } = t
  // Where a keychain secret came from: the service (tests use one per
  // sandbox) and the store id of the metadata file, which names the account
  // (keychain-account.ts): a same-named token of another home is another secret.
  const where = t.source === 'keychain' || t.hasRefreshToken ? [env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE ?? '', storeId() ?? ''] : ['', '']
  return JSON.stringify([rest, ...where])
}

/**
 * A record whose secret is being written: a new secretRev, so its stamp
 * changes. Called before the write, on the record saved with it under the
 * metadata lock (git's store replacing a password in place changes no
 * other field the stamp sees).
 */
export function secretWritten(t: TokenRecord): void {
  t.secretRev = randomBytes(6).toString('hex')
}
