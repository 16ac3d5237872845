// The OS keychain through @github/keytar (service `git-credential-pat`,
// account = token name; SPEC §4). keytar blocks for ~50 s when the keyring
// daemon is frozen, so every call races a bounded wait and then says the
// keyring is not answering. keytar is loaded on first use only.
import { createRequire } from 'node:module'
import { PatError } from '../errors.js'

export const DEFAULT_SERVICE = 'git-credential-pat'
/**
 * The keychain service. Token names are unique within one metadata file, so
 * two state homes sharing one keyring (parallel tests) may set their own.
 */
export const service = () => process.env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE || DEFAULT_SERVICE

type Keytar = typeof import('@github/keytar')
let keytar: Promise<Keytar> | undefined

function load(): Promise<Keytar> {
  // require, not import(): keytar is CommonJS, and import() would start
  // Node's ESM loader on the git-side path just for it (issue 7).
  keytar ??= new Promise<Keytar>(resolve => resolve(createRequire(import.meta.url)('@github/keytar') as Keytar)).catch(e => {
    throw new PatError(
      'KEYCHAIN',
      `cannot load the keychain library (${(e as Error).message.split('\n')[0]}); on Linux install libsecret-1-0 (./install.sh does)`,
    )
  })
  return keytar
}

export function keychainTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.GIT_CREDENTIAL_PAT_KEYCHAIN_TIMEOUT_MS)
  return Number.isFinite(n) && n > 0 ? n : 5000
}

async function bounded<T>(what: string, call: (k: Keytar) => Promise<T>): Promise<T> {
  const k = await load()
  const ms = keychainTimeoutMs()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, rej) => {
    timer = setTimeout(
      () => rej(new PatError('KEYCHAIN', `the keyring is not answering (${what} took over ${ms / 1000} s); is its daemon frozen or waiting for an unlock prompt?`)),
      ms,
    )
    timer.unref()
  })
  try {
    return await Promise.race([call(k), timeout])
  } catch (e) {
    if (e instanceof PatError) throw e
    throw new PatError('KEYCHAIN', `the keyring refused ${what}: ${(e as Error).message}`)
  } finally {
    clearTimeout(timer)
  }
}

export function getSecret(account: string): Promise<string | null> {
  return bounded('a read', k => k.getPassword(service(), account))
}

export function setSecret(account: string, secret: string): Promise<void> {
  return bounded('a write', k => k.setPassword(service(), account, secret))
}

export function deleteSecret(account: string): Promise<boolean> {
  return bounded('a delete', k => k.deletePassword(service(), account))
}

/** Every account name we have in the keychain (never the secrets). */
export async function listAccounts(): Promise<string[]> {
  const creds = await bounded('a listing', k => k.findCredentials(service()))
  return creds.map(c => c.account)
}
