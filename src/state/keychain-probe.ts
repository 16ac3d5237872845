// Before a secret we cannot get back is asked for or made (rotate: a new
// token typed in vain; rotate --api: the forge revokes the old token as it
// answers), prove the keychain takes a write: one throwaway item written and
// deleted, each call bounded by keychain.ts (GIT_CREDENTIAL_PAT_KEYCHAIN_TIMEOUT_MS).
import { randomBytes } from 'node:crypto'
import { PatError } from '../errors.js'
import { deleteSecret, setSecret } from './sources/keychain.js'
import { withLock } from './lock.js'

/** The probe item's name within the store; `#` keeps it apart from token names. */
export const probeName = (name: string) => `${name}#write-probe`

/**
 * Throws a KEYCHAIN error saying nothing was changed when the keychain cannot be written.
 * Under the metadata lock, as every write of a token's items: two rotates of
 * one token probe the same item, and the Secret Service fails a delete of an
 * item another process deleted between its search and its delete.
 */
export async function probeKeychainWrite(name: string, what: string, file: string): Promise<void> {
  try {
    await withLock(file, async () => {
      await setSecret(probeName(name), `probe-${randomBytes(6).toString('hex')}`)
      await deleteSecret(probeName(name))
    })
  } catch (e) {
    if (e instanceof PatError && e.code === 'LOCKED') throw e
    const why = e instanceof Error ? e.message : String(e)
    // The keychain's own error may say how to fix it (its trouble): kept.
    throw Object.assign(new PatError('KEYCHAIN', `the keychain cannot be written, so ${what}: ${why}`), { trouble: (e as { trouble?: unknown }).trouble })
  }
}
