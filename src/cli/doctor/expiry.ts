// doctor: tokens expired (never sent) or expiring soon.
import type { TokenRecord } from '../../state/tokens.js'
import { isExpired } from '../../core/select.js'
import { countFrom, day, daysLeft } from '../../core/expiry.js'
import { check, type Check } from './check.js'

const DAY = 86_400_000

export function checkExpiry(tokens: TokenRecord[], now: Date, days: number): Check {
  const expired = tokens.filter(t => isExpired(t, now))
  const soon = tokens.filter(t => !isExpired(t, now) && t.expires && Date.parse(t.expires) - now.getTime() <= days * DAY)
  if (!expired.length && !soon.length) return check('expiry', 'ok', `no token expired or expiring within ${days} days`)
  const left = (t: TokenRecord) => {
    const n = daysLeft(t.expires!, countFrom(t.expires!, now))
    return n < 1 ? 'in less than a day' : `in ${n} day${n === 1 ? '' : 's'}`
  }
  return check(
    'expiry',
    expired.length ? 'fail' : 'warn',
    [expired.length ? `${expired.length} expired (never sent)` : '', soon.length ? `${soon.length} expiring within ${days} days` : '']
      .filter(Boolean)
      .join(', '),
    [
      ...expired.map(t => `${t.name} (${t.scope}) expired on ${day(t.expires!)}`),
      ...soon.map(t => `${t.name} (${t.scope}) expires on ${day(t.expires!)}, ${left(t)}`),
    ],
    [...expired, ...soon].map(t => `make a new token on the forge, then: git-credential-pat rotate ${t.name} --expires YYYY-MM-DD   (or remove ${t.name})`),
  )
}
