// How list/show word a token's last use and expiry.
import t from 'tap'
import { lastUsedCell, expiryCell, shownRecord, shownUsername, stateCell } from '../../src/core/describe.js'
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

t.test('a keychain token awaiting its secret says so as its state (list and show alike)', async t => {
  t.same(stateCell(tok({ source: 'keychain', awaitingSecret: true }), now), { text: 'awaiting secret', tone: 'yellow' })
  t.equal(stateCell(tok({ source: 'env:X', awaitingSecret: true }), now).text, 'active', 'the mark means nothing on another source')
  t.equal(stateCell(tok({ source: 'keychain', awaitingSecret: true, state: 'disabled' }), now).text, 'disabled')
})

t.test('a token-like username of an old record is never shown, in tables or JSON', async t => {
  const old = tok({ username: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a' })
  t.equal(shownUsername(old), '(a token: hidden)')
  t.equal(shownRecord(old).username, '(a token: hidden)')
  t.equal(old.username, 'ghp_16C7e42F292c6912E7710c838347Ae178B4a', 'the record itself is left as it is')
  const plain = tok({ username: 'oauth2' })
  t.equal(shownRecord(plain), plain, 'an ordinary record is printed as it is')
})
