// doctor's awaiting-secret check: tokens import recorded without a secret,
// a warning with the fix, not counted as lost secrets.
import t from 'tap'
import { checkAwaiting } from '../../../src/cli/doctor/awaiting.js'
import { compareKeychain } from '../../../src/cli/doctor/orphans.js'
import { tokenRecord } from '../../lib/token.js'

t.test('awaiting tokens warn, with the fix; a disabled one is not named', async t => {
  t.equal(checkAwaiting([tokenRecord({ name: 'a' })]).status, 'ok')
  const c = checkAwaiting([
    tokenRecord({ name: 'w', scope: 'w.example.com/g/*', awaitingSecret: true }),
    tokenRecord({ name: 'off', awaitingSecret: true, state: 'disabled' }),
  ])
  t.equal(c.status, 'warn')
  t.equal(c.summary, '1 token is awaiting its secret (recorded by import without one): not sent until given')
  t.same(c.details, ['w (w.example.com/g/*)'])
  t.match(c.fix[0], /^git-credential-pat rotate w /)
})

t.test('a token awaiting its secret is not a missing one', async t => {
  const id = '0123456789abcdef'
  const checks = compareKeychain([tokenRecord({ name: 'w', awaitingSecret: true }), tokenRecord({ name: 'gone' })], [], id)
  const missing = checks.find(c => c.id === 'missing-secret')!
  t.equal(missing.status, 'fail')
  t.same(
    missing.details.map(d => d.split(' ')[0]),
    ['gone'],
  )
})
