// doctor: is the keychain there, unlocked and quick enough.
import { randomBytes } from 'node:crypto'
import * as keychain from '../../state/sources/keychain.js'
import { check, type Check } from './check.js'

/** Write, read and delete a throwaway item: proves the keyring is there and unlocked. */
export async function probeKeychain(): Promise<Check> {
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
    return check('keychain', 'fail', `keychain not usable: ${(e as Error).message}`, [], keychainFix())
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

export function keychainFix(): string[] {
  if (process.platform === 'darwin') return ['unlock the login keychain (Keychain Access, or: security unlock-keychain)']
  if (process.platform === 'win32') return ['check that Windows Credential Manager is available to your account']
  return [
    'start and unlock a Secret Service: GNOME Keyring, KWallet or KeePassXC (in a session without a desktop: eval $(echo -n PASSWORD | gnome-keyring-daemon --unlock --components=secrets) inside dbus-run-session)',
    'or keep tokens elsewhere: git-credential-pat add … --source env:VAR | file:PATH | exec:COMMAND',
  ]
}
