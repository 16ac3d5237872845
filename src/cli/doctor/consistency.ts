// doctor: the metadata against where the secrets are (the keychain, file:
// sources).
import type { TokenRecord } from '../../state/tokens.js'
import { storeId } from '../../state/keychain-account.js'
import * as keychain from '../../state/sources/keychain.js'
import { check, type Check } from './check.js'
import { keychainFix } from './keychain.js'
import { compareKeychain } from './orphans.js'
import { checkFileSources } from './file-source.js'

export async function checkConsistency(tokens: TokenRecord[] | null, keychainOk: boolean, env: NodeJS.ProcessEnv): Promise<Check[]> {
  if (!tokens) return [check('keychain-records', 'skip', 'metadata unreadable: cannot compare it with the keychain')]
  const records = await checkKeychainRecords(tokens, keychainOk)
  const files = await checkFileSources(tokens, env)
  return [...records, ...(files ? [files] : [])]
}

async function checkKeychainRecords(tokens: TokenRecord[], keychainOk: boolean): Promise<Check[]> {
  if (!keychainOk) return [check('keychain-records', 'skip', 'keychain not usable: cannot compare it with the metadata')]
  let accounts: string[]
  try {
    accounts = await keychain.listAccounts()
  } catch (e) {
    return [check('keychain-records', 'fail', `cannot list the keychain items: ${(e as Error).message}`, [], keychainFix())]
  }
  return compareKeychain(tokens, accounts, storeId())
}
