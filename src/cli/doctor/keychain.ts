// doctor: is the keychain there, unlocked and quick enough; not a failure
// when no token keeps its secret there (a server whose tokens all come from
// env:, file: or exec:).
import { randomBytes } from 'node:crypto'
import * as keychain from '../../state/sources/keychain.js'
import { troubleHint, type Trouble } from '../../errors.js'
import { check, type Check } from './check.js'
import { readSaidState } from '../../state/warn-state.js'
import { statePaths } from '../../state/paths.js'

/**
 * Write, read and delete a throwaway item: proves the keyring is there and
 * unlocked. `needed`: some token keeps its secret there; if none does, an
 * unusable keychain is reported as not used.
 */
export async function probeKeychain(env: NodeJS.ProcessEnv, needed = true): Promise<Check> {
  // '#' cannot start a token name, so the probe never collides with one.
  const account = `#doctor-probe-${process.pid}-${randomBytes(4).toString('hex')}`
  const value = randomBytes(16).toString('hex')
  const started = Date.now()
  try {
    await keychain.setRaw(account, value)
    const back = await keychain.getRaw(account)
    await keychain.deleteRaw(account)
    if (back !== value) {
      return check(
        'keychain',
        'fail',
        'the keychain stored a test item but returned something else',
        [],
        ['check that your Secret Service (GNOME Keyring, KWallet, KeePassXC) is working'],
      )
    }
  } catch (e) {
    await keychain.deleteRaw(account).catch(() => false)
    const trouble = (e as { trouble?: Trouble }).trouble
    if (!needed) return check('keychain', 'skip', `not used: no token keeps its secret there (and it is not usable here: ${(e as Error).message})`)
    return check('keychain', 'fail', `keychain not usable: ${(e as Error).message}`, quietOnGet(env), keychainFix(trouble))
  }
  const ms = Date.now() - started
  if (ms > 2000)
    return check(
      'keychain',
      'warn',
      `the keychain works but is slow (${ms} ms for a write, read and delete)`,
      [],
      ['a slow keyring slows every git command; `git-credential-pat daemon` keeps secrets warm'],
    )
  return check('keychain', 'ok', `keychain reachable and unlocked (write, read and delete in ${ms} ms)`)
}

/**
 * git commands say the keychain's trouble only when they needed it, once a
 * day per reason (git/keychain-trouble.ts): say when they last did, so
 * silence there is not read as "fixed".
 */
function quietOnGet(env: NodeJS.ProcessEnv): string[] {
  const last = Object.values(readSaidState(statePaths(env).warnState))
    .sort()
    .pop()
  if (!last) return []
  return [`git commands last said so on ${last.slice(0, 16).replace('T', ' ')} UTC; they say it at most once a day, when a keychain token is needed`]
}

/** How to fix an unusable keychain: the hint its error carries (errors.ts), as every command says it. */
export function keychainFix(trouble: Trouble = 'keychain-refused'): string[] {
  return [troubleHint(trouble)]
}
