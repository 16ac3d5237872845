// The keychain side of `edit`: a renamed token's items move (written, read
// back, then the old ones deleted, so a failure never loses the secret), and
// a source change finds or forgets the keychain copy. Secrets pass through
// here and go nowhere else.
import { PatError } from '../../errors.js'
import type { TokenRecord } from '../../state/tokens.js'
import { dropSecret, refreshAccount } from '../../state/sources/index.js'
import { deleteSecret, getSecret, setSecret } from '../../state/sources/keychain.js'
import { say } from '../../log/stderr.js'

/** Whether the keychain holds a secret under that name (this metadata file's store). */
export async function keychainHas(name: string): Promise<boolean> {
  return (await getSecret(name)) !== null
}

/**
 * 'copy': the token's items under the new name, each read back; before the
 * record is renamed. 'drop-old': the old items, after the record names the
 * new one (a failure leaves only a stray item, which doctor reports).
 */
export async function moveSecret(t: TokenRecord, to: string, step: 'copy' | 'drop-old'): Promise<void> {
  if (step === 'drop-old') {
    await dropSecret(t).catch(() =>
      say(`could not delete the keychain item under the old name '${t.name}'; delete it with: git-credential-pat remove ${t.name} --yes`),
    )
    return
  }
  if (!t.emptySecret) await copyItem(t.name, to, true)
  if (t.hasRefreshToken) await copyItem(refreshAccount(t.name), refreshAccount(to), false)
}

async function copyItem(from: string, to: string, required: boolean): Promise<void> {
  const secret = await getSecret(from)
  if (secret === null) {
    if (!required) return
    throw new PatError('KEYCHAIN', `the keychain has no secret for '${from}' (is it locked?); nothing was changed`)
  }
  await setSecret(to, secret)
  if ((await getSecret(to)) !== secret) {
    await deleteSecret(to).catch(() => false)
    throw new PatError('KEYCHAIN', `the keychain did not keep the secret under '${to}'; nothing was changed`)
  }
}

/** --forget-secret: the keychain copy (and a refresh token that came with it) deleted. */
export async function forgetKeychainSecret(name: string): Promise<void> {
  await deleteSecret(name)
  await deleteSecret(refreshAccount(name)).catch(() => false)
}
