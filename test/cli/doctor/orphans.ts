// doctor's keychain comparison: records without secrets, secrets without
// records (ours only), legacy bare names counted but never judged.
import t from 'tap'
import { compareKeychain } from '../../../src/cli/doctor/orphans.js'
import type { TokenRecord } from '../../../src/state/tokens.js'

const ID = '0123456789abcdef'
const OTHER = 'fedcba9876543210'
const tok = (name: string, extra: Partial<TokenRecord> = {}) =>
  ({ name, scope: `${name}.example.com`, source: 'keychain', state: 'active', ...extra }) as TokenRecord
const byId = (checks: { id: string }[]) => checks.map(c => c.id)

t.test('all in order: missing-secret and orphan-secret ok', async t => {
  const out = compareKeychain([tok('a'), tok('b')], [`${ID}/a`, `${ID}/b`, `${ID}/a#oauth_refresh_token`, `${OTHER}/z`], ID)
  t.same(byId(out), ['missing-secret', 'orphan-secret'])
  t.ok(out.every(c => c.status === 'ok'))
})

t.test('a record without its secret; empty secrets and other sources need none', async t => {
  const out = compareKeychain([tok('a'), tok('e', { emptySecret: true }), tok('f', { source: 'env:F' })], [], ID)
  t.equal(out[0].status, 'fail')
  t.same(out[0].details, ['a (a.example.com)'])
  t.match(out[0].fix[0], /rotate a/)
})

t.test('an item of ours without a record is an orphan; another store id is not', async t => {
  const out = compareKeychain([tok('a')], [`${ID}/a`, `${ID}/stray`, `${ID}/stray#oauth_refresh_token`, `${OTHER}/x`], ID)
  t.equal(out[1].id, 'orphan-secret')
  t.equal(out[1].status, 'fail')
  t.same(out[1].details, ['stray', 'stray#oauth_refresh_token'])
  t.match(out[1].summary, /^2 keychain items have no record/)
})

t.test('bare names are legacy, the doctor probe is not', async t => {
  const out = compareKeychain([], ['old', '#doctor-probe-1-ab'], ID)
  t.same(byId(out), ['missing-secret', 'orphan-secret', 'legacy-secret'])
  t.equal(out[2].status, 'ok')
  t.match(out[2].summary, /^1 keychain item under a bare name/)
})

t.test('no store id yet: orphans are not judged', async t => {
  const out = compareKeychain([tok('a')], ['a', 'stray'], null)
  t.same(
    out.map(c => [c.id, c.status]),
    [
      ['missing-secret', 'ok'],
      ['orphan-secret', 'skip'],
    ],
  )
})
