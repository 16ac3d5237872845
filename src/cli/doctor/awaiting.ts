// doctor: tokens recorded without their secret (import on another machine),
// not sent until one is given.
import type { TokenRecord } from '../../state/tokens.js'
import { check, type Check } from './check.js'

export function checkAwaiting(tokens: TokenRecord[]): Check {
  const awaiting = tokens.filter(t => t.awaitingSecret && t.source === 'keychain' && t.state === 'active')
  if (!awaiting.length) return check('awaiting-secret', 'ok', 'no token is awaiting its secret')
  const n = awaiting.length
  return check(
    'awaiting-secret',
    'warn',
    `${n} token${n === 1 ? ' is' : 's are'} awaiting ${n === 1 ? 'its secret' : 'their secrets'} (recorded by import without one): not sent until given`,
    awaiting.map(t => `${t.name} (${t.scope})`),
    awaiting.map(t => `git-credential-pat rotate ${t.name}   (or give it at git's prompt, at the first use of ${t.scope})`),
  )
}
