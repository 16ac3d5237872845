// Where a token's secret comes from (docs/git-credential-pat.md, "Storage"): the keychain by default, or
// env:VAR, file:PATH, exec:COMMAND for machines without a keyring. Errors name
// the token and the source, never the secret.
import { PatError } from '../../errors.js'
import { forgetInDaemon } from '../daemon-link.js'
import { firstLine } from './first-line.js'
import type { TokenRecord } from '../../core/model.js'
import * as keychain from './keychain.js'
import { secretWritten } from '../stamp.js'

/**
 * The name, within the store, of the keychain item holding a token's OAuth
 * refresh token (the account is `<store id>/<name>#oauth_refresh_token`;
 * keychain-account.ts). Keychain calls here take names within the store.
 */
export const refreshAccount = (name: string) => `${name}#oauth_refresh_token`

export function validateSource(source: string): string {
  if (source === 'keychain') return source
  const m = /^(env|file|exec):(.+)$/s.exec(source)
  if (!m) throw new PatError('USAGE', `--source must be keychain, env:VAR, file:PATH or exec:COMMAND (got '${source.split(':')[0]}')`)
  if (m[1] === 'env' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(m[2])) throw new PatError('USAGE', `env:${m[2]} is not a valid variable name`)
  return source
}

export async function readSecret(t: TokenRecord, env: NodeJS.ProcessEnv): Promise<string> {
  const src = t.source
  if (src === 'keychain') {
    // No secret yet, by design: report it as missing, never ask the keychain.
    if (t.awaitingSecret) throw awaiting(t)
    if (t.emptySecret) return ''
    const s = await keychain.getSecret(t.name)
    if (s === null) {
      throw new PatError(
        'KEYCHAIN',
        `token '${t.name}' is recorded but the keychain returned no secret for it (is the keyring locked?); unlock it, or run: git-credential-pat rotate ${t.name}`,
      )
    }
    return s
  }
  const colon = src.indexOf(':')
  const kind = src.slice(0, colon)
  const arg = src.slice(colon + 1)
  if (kind === 'env') {
    const v = env[arg]
    if (!v) throw new PatError('SOURCE', `token '${t.name}': environment variable ${arg} is not set`)
    return firstLine(v)
  }
  if (kind === 'file') return (await import('./file.js')).readSecretFile(t.name, arg)
  if (kind === 'exec') return (await import('./exec.js')).runSecretCommand(t.name, arg, env)
  throw new PatError('SOURCE', `token '${t.name}' has an unknown source '${kind}'`)
}

const awaiting = (t: TokenRecord) =>
  new PatError(
    'SOURCE',
    `token '${t.name}' (${t.scope}) awaits its secret (recorded without one, by import); give it at git's prompt, or: git-credential-pat rotate ${t.name}`,
  )

/** Only keychain tokens have a secret we own; others are read where they live. */
export async function writeSecret(t: TokenRecord, secret: string): Promise<void> {
  secretWritten(t)
  if (t.source === 'keychain') {
    delete t.awaitingSecret
    // The Secret Service refuses an empty secret, yet git's credential-store
    // keeps an empty password (t0303 "can store empty username"): an empty
    // secret is no secret, so the record says so instead.
    if (secret === '') {
      t.emptySecret = true
      await keychain.deleteSecret(t.name).catch(() => false)
    } else {
      delete t.emptySecret
      await keychain.setSecret(t.name, secret)
    }
  }
  await secretChanged(t.name)
}

export async function dropSecret(t: TokenRecord): Promise<void> {
  if (t.source === 'keychain') await keychain.deleteSecret(t.name)
  if (t.hasRefreshToken) await keychain.deleteSecret(refreshAccount(t.name)).catch(() => false)
  await secretChanged(t.name)
}

/** Tell a running daemon to drop its copy at once (rotate, remove, store, erase in this process). */
async function secretChanged(name: string): Promise<void> {
  await forgetInDaemon(name)
}
