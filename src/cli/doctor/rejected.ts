// doctor: tokens the server refused, no longer sent until rotated or enabled.
import type { TokenRecord } from '../../state/tokens.js'
import { check, type Check } from './check.js'
import { day } from '../../core/expiry.js'

export function checkRejected(tokens: TokenRecord[]): Check {
  const rejected = tokens.filter(t => t.state === 'rejected')
  if (!rejected.length) return check('rejected', 'ok', 'no token was refused by its server')
  return check(
    'rejected',
    'fail',
    `${rejected.length} token${rejected.length === 1 ? ' was' : 's were'} refused by the server and ${rejected.length === 1 ? 'is' : 'are'} no longer sent`,
    rejected.map(t => `${t.name} (${t.scope})${t.rejected ? ` at ${day(t.rejected.at)} by ${t.rejected.url}` : ''}`),
    rejected.map(t => `git-credential-pat rotate ${t.name}   (new secret) or, if the token is fine: git-credential-pat enable ${t.name}`),
  )
}
