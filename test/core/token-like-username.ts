// Which username is kept for what git sent (docs/git-credential-pat.md, "Output and logging").
import t from 'tap'
import { keptUsername } from '../../src/core/token-like-username.js'
import type { Provider } from '../../src/core/providers.js'

const GH = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'
const never = (): Provider => {
  throw new Error('the provider is asked only for a token-like username')
}

t.test('an ordinary username is kept as it is', async t => {
  for (const u of ['alice', 'x-access-token', 'oauth2', 'me@example.com', '', undefined]) t.same(keptUsername(u, never), { username: u }, String(u))
})

t.test("a token as the username: the forge's convention, or a refusal", async t => {
  t.same(
    keptUsername(GH, () => 'github'),
    { username: 'x-access-token' },
  )
  t.same(
    keptUsername('glpat-Xy12ab34Cd56ef78Gh90', () => 'gitlab'),
    { username: 'oauth2' },
  )
  t.same(
    keptUsername('ATBBxYz0123456789abcdefGHIJ', () => 'bitbucket'),
    { username: 'x-token-auth' },
  )
  for (const p of ['gitea', 'launchpad', 'generic'] as const) {
    const r = keptUsername(GH, () => p)
    t.equal(r.username, undefined, p)
    t.match(r.refused, /^not saved: git's username looks like a token/, `${p}: one line`)
    t.notMatch(r.refused, GH.slice(4, 12), 'which does not repeat it')
  }
})
