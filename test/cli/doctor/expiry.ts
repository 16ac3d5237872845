// doctor's expiry check: expired tokens fail, tokens expiring within the
// warning window warn, with the days left.
import t from 'tap'
import { checkExpiry } from '../../../src/cli/doctor/expiry.js'
import type { TokenRecord } from '../../../src/state/tokens.js'

const now = new Date('2030-06-15T12:00:00Z')
const tok = (name: string, expires: string | null) => ({ name, scope: `${name}.example.com`, expires, state: 'active' }) as TokenRecord

t.test('nothing expiring', async t => {
  const c = checkExpiry([tok('a', null), tok('b', '2030-09-01T00:00:00Z')], now, 7)
  t.same([c.status, c.summary], ['ok', 'no token expired or expiring within 7 days'])
})

t.test('expiring soon warns, expired fails', async t => {
  const soon = checkExpiry([tok('s', '2030-06-18T12:00:00Z')], now, 7)
  t.equal(soon.status, 'warn')
  t.same(soon.details, ['s (s.example.com) expires on 2030-06-18, in 3 days'])
  const both = checkExpiry([tok('s', '2030-06-18T12:00:00Z'), tok('d', '2030-01-01T00:00:00Z')], now, 7)
  t.equal(both.status, 'fail')
  t.equal(both.summary, '1 expired (never sent), 1 expiring within 7 days')
  t.same(both.details, ['d (d.example.com) expired on 2030-01-01', 's (s.example.com) expires on 2030-06-18, in 3 days'])
  t.same(
    both.fix.map(f => f.match(/rotate (\w+)/)?.[1]),
    ['d', 's'],
  )
})
