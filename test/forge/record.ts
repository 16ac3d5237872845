// What a forge's report teaches the token record (src/forge/record.ts).
import t from 'tap'
import { recordReport } from '../../src/forge/record.js'
import type { TokenRecord } from '../../src/state/tokens.js'
import { tokenRecord } from '../lib/token.js'

const token = (over: Partial<TokenRecord> = {}): TokenRecord => tokenRecord({ name: 'tk', scope: 'gitlab.example.com', ...over })
const now = new Date('2026-06-01T12:00:00.000Z')

t.test('recordReport', async t => {
  const tk = token({ expires: '2026-12-01T00:00:00.000Z', checked: { at: 'x', login: 'alice', scopes: ['api'] } })
  recordReport(tk, { verdict: 'valid', expires: '2027-01-31T00:00:00.000Z', scopes: ['read_api'], active: true, message: 'm', apiUrl: 'u' }, now)
  t.equal(tk.expires, '2027-01-31T00:00:00.000Z', 'the forge expiry wins')
  t.match(tk.checked, { at: now.toISOString(), result: 'valid', scopes: ['read_api'], login: 'alice', note: 'm' })
  recordReport(tk, { verdict: 'unreachable', message: 'down' }, now)
  t.equal(tk.expires, '2027-01-31T00:00:00.000Z', 'unreachable changes no expiry')
  t.match(tk.checked, { result: 'unreachable', login: 'alice', scopes: undefined })
})
