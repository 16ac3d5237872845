// How list/show word a token's last use and expiry.
import t from 'tap'
import { lastUsedCell, expiryCell } from '../../src/core/describe.js'
import type { TokenRecord } from '../../src/state/tokens.js'
import { tokenRecord } from '../lib/token.js'

const now = new Date('2026-03-01T12:00:00Z')
const tok = (over: Partial<TokenRecord>): TokenRecord => tokenRecord({ name: 'x', scope: 'example.com', username: 'u', provider: 'generic', ...over })

t.test('last use in the past reads as "… ago"', async t => {
  t.equal(lastUsedCell(tok({ lastUsed: '2026-02-26T12:00:00.000Z' }), now).text, '3 days ago')
  t.equal(lastUsedCell(tok({}), now).text, 'never')
})

t.test('last use in the future is clock skew, not "3 days ago"', async t => {
  const c = lastUsedCell(tok({ lastUsed: '2026-03-04T12:00:00.000Z' }), now)
  t.equal(c.text, 'in the future (clock skew?)')
  t.notMatch(c.text, /ago/)
  t.equal(c.tone, 'yellow')
})

t.test('expiry cells still count both ways', async t => {
  t.match(expiryCell(tok({ expires: '2026-03-04T12:00:00.000Z' }), now).text, /in 3 days/)
  t.match(expiryCell(tok({ expires: '2026-02-26T12:00:00.000Z' }), now).text, /expired 3 days ago/)
})
