// doctor's rejected check: tokens the server refused, with when and where.
import t from 'tap'
import { checkRejected } from '../../../src/cli/doctor/rejected.js'
import type { TokenRecord } from '../../../src/state/tokens.js'

t.test('refused tokens fail, with the fix', async t => {
  t.equal(checkRejected([{ name: 'a', scope: 'a.example.com', state: 'active' } as TokenRecord]).status, 'ok')
  const c = checkRejected([
    { name: 'r', scope: 'r.example.com', state: 'rejected', rejected: { at: '2030-01-02T03:04:05Z', url: 'https://r.example.com/x.git' } } as TokenRecord,
  ])
  t.equal(c.status, 'fail')
  t.equal(c.summary, '1 token was refused by the server and is no longer sent')
  t.same(c.details, ['r (r.example.com) at 2030-01-02 by https://r.example.com/x.git'])
  t.match(c.fix[0], /rotate r .* enable r/)
})
