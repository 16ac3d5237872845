// What check says beyond the verdict (src/forge/rotate-settle.ts).
import t from 'tap'
import { expiryChange, selfRotation, settleRotation } from '../../src/forge/rotate-settle.js'
import { tokenRecord } from '../lib/token.js'

const now = new Date('2026-06-01T12:00:00.000Z')
const unknownMark = { at: '2026-05-31T10:00:00.000Z', result: 'unknown' as const }

t.test('expiryChange: one line when the forge changed it', async t => {
  t.equal(expiryChange(tokenRecord({ expires: '2026-07-01T00:00:00.000Z' }), '2026-07-01T00:00:00.000Z'), null)
  t.equal(
    expiryChange(tokenRecord({ expires: '2026-08-01T00:00:00.000Z' }), '2026-07-01T00:00:00.000Z'),
    "token 'gl': expiry changed from 2026-07-01 to 2026-08-01 (from the forge)",
  )
  t.equal(expiryChange(tokenRecord({ expires: '2026-08-01T00:00:00.000Z' }), null), "token 'gl': expiry changed from unknown to 2026-08-01 (from the forge)")
  t.equal(expiryChange(tokenRecord({ expires: null }), '2026-07-01T00:00:00.000Z'), "token 'gl': expiry changed from 2026-07-01 to none (from the forge)")
})

t.test('settleRotation: refused now → the rotation happened and its token is lost', async t => {
  const tk = tokenRecord({ rotation: { ...unknownMark } })
  const line = settleRotation(tk, { verdict: 'revoked', message: '' }, now)
  t.match(
    line,
    /the rotation on 2026-05-31 probably happened and its new token is lost.*revoke the newest 'gl' token at https:\/\/gitlab\.com\/-\/user_settings\/personal_access_tokens, then make a new one and run: git-credential-pat rotate gl/,
  )
  t.equal(tk.rotation?.result, 'lost')
})

t.test('settleRotation: still accepted → nothing happened, the mark goes', async t => {
  const tk = tokenRecord({ rotation: { ...unknownMark } })
  t.match(settleRotation(tk, { verdict: 'valid', message: '' }, now), /did not happen/)
  t.equal(tk.rotation, undefined)
})

t.test('settleRotation: unreachable, or no unknown mark → nothing', async t => {
  const tk = tokenRecord({ rotation: { ...unknownMark } })
  t.equal(settleRotation(tk, { verdict: 'unreachable', message: '' }, now), null)
  t.equal(tk.rotation?.result, 'unknown')
  const done = tokenRecord({ rotation: { at: unknownMark.at, result: 'rotated' } })
  t.equal(settleRotation(done, { verdict: 'revoked', message: '' }, now), null)
  t.equal(done.rotation?.result, 'rotated')
})

t.test('selfRotation: GitLab tokens the forge described', async t => {
  t.equal(selfRotation(tokenRecord(), { verdict: 'valid', scopes: ['api'], message: '' }), true)
  t.equal(selfRotation(tokenRecord(), { verdict: 'valid', scopes: ['read_repository'], message: '' }), false)
  t.equal(selfRotation(tokenRecord(), { verdict: 'valid', message: '' }), undefined)
  t.equal(selfRotation(tokenRecord({ provider: 'github' }), { verdict: 'valid', scopes: ['api'], message: '' }), undefined)
})
