// After the forge answered with a new token: the new
// secret goes into the keychain first, for every record that carried the old
// one (the same token mapped to several scopes), then the metadata, in one
// locked, atomic update. writeSecret tells a running daemon to drop its copy
// of each. Should the keychain refuse the write now (it took the probe), the
// new token is not lost: it goes to a 0600 file named in the error.
import { join } from 'node:path'
import { PatError } from '../errors.js'
import { scopeOf } from '../core/select.js'
import { findToken, updateMetadata, type TokenRecord } from '../state/tokens.js'
import { statePaths } from '../state/paths.js'
import { refreshAccount, writeSecret } from '../state/sources/index.js'
import { deleteSecret, getSecret } from '../state/sources/keychain.js'

export interface Saved {
  token: TokenRecord
  /** Other records that carried the same secret and got the new one. */
  also: string[]
}

export interface NewSecret {
  secret: string
  /** What the forge answered: ISO, null for none, undefined when it did not say. */
  expires: string | null | undefined
  /** Started by credential.pat.autoRotate. */
  auto?: boolean
}

export async function saveRotated(name: string, oldSecret: string, fresh: NewSecret, now: Date, env: NodeJS.ProcessEnv): Promise<Saved> {
  const { secret, expires } = fresh
  const file = statePaths(env).metadata
  let rescued: string | undefined
  const saved = await updateMetadata(file, async m => {
    const t = findToken(m, name)
    const host = scopeOf(t)?.host
    const siblings: TokenRecord[] = []
    for (const x of m.tokens) {
      if (x === t || x.source !== 'keychain' || x.emptySecret || scopeOf(x)?.host !== host) continue
      if ((await getSecret(x.name).catch(() => null)) === oldSecret) siblings.push(x)
    }
    try {
      await writeSecret(t, secret)
    } catch (e) {
      rescued = await rescue(env, name, secret)
      throw e
    }
    const also: string[] = []
    for (const x of [t, ...siblings]) {
      if (x !== t) {
        try {
          await writeSecret(x, secret)
        } catch {
          continue // that record keeps the old (now revoked) secret; `check` will say so
        }
        also.push(x.name)
      }
      // A refresh token belonged to the old secret.
      if (x.hasRefreshToken) await deleteSecret(refreshAccount(x.name)).catch(() => false)
      renewed(x, expires, now, fresh.auto)
    }
    return { token: structuredClone(t), also }
  }).catch((e: unknown) => {
    if (rescued) {
      throw new PatError(
        'KEYCHAIN',
        `GitLab rotated '${name}' but the keychain refused the new secret (${(e as Error).message}); it is in ${rescued} (0600): ` +
          `git-credential-pat rotate ${name} --token-stdin < ${rescued}, then delete that file`,
      )
    }
    throw e
  })
  return saved
}

/** What a new secret from the forge changes on a record. */
function renewed(t: TokenRecord, expires: string | null | undefined, now: Date, auto?: boolean): void {
  // The mark keeps the expiry it renewed from, as every attempt's does: autoRotate tries once per expiry.
  const from = t.expires
  delete t.hasRefreshToken
  t.rotated = now.toISOString()
  if (expires !== undefined) t.expires = expires
  if (t.state === 'rejected') t.state = 'active'
  delete t.rejected
  // What the forge and servers said was about the old secret.
  delete t.checked
  delete t.denied
  t.rotation = { at: now.toISOString(), result: 'rotated', expires: from, ...(auto ? { auto } : {}) }
}

async function rescue(env: NodeJS.ProcessEnv, name: string, secret: string): Promise<string> {
  const { default: writeFileAtomic } = await import('write-file-atomic')
  const { makeStateDir } = await import('../state/trusted-state.js')
  const dir = statePaths(env).data
  makeStateDir(dir)
  const path = join(dir, `rescued-${name.replace(/[^A-Za-z0-9._@+-]/g, '_')}.token`)
  await writeFileAtomic(path, secret + '\n', { mode: 0o600 })
  return path
}
