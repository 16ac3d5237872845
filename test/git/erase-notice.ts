// erase's line in the git command that got the 401 (git/erase-notice.ts).
import t from 'tap'
import { deniedNotice, rejectedNotice } from '../../src/git/erase-notice.js'
import type { TokenRecord } from '../../src/state/tokens.js'

const token = (o: Partial<TokenRecord> = {}): TokenRecord => ({
  name: 'team',
  scope: 'gitlab.example.com/team/*',
  username: 'oauth2',
  provider: 'gitlab',
  expires: null,
  access: 'read-write',
  created: '2026-12-01T00:00:00.000Z',
  state: 'rejected',
  source: 'keychain',
  origin: 'add',
  ...o,
})
const URL = 'https://gitlab.example.com/team/lib.git'

t.test('which token, that it is rejected now, and how to renew it', async t => {
  const revoked = rejectedNotice(token({ checked: { at: '', result: 'revoked' } }), URL)
  t.match(revoked, `the server refused token 'team' (gitlab.example.com/team/*) for ${URL} (GitLab says it is revoked); it is now marked rejected`)
  t.match(revoked, 'Renew it: git-credential-pat rotate team (make a new token at https://gitlab.example.com/-/user_settings/personal_access_tokens?name=team&')
  t.notMatch(revoked, '--api', 'a revoked token cannot renew itself')

  t.match(rejectedNotice(token({ checked: { at: '', result: 'unreachable' } }), URL), 'Renew it: git-credential-pat rotate team --api ')
  t.notMatch(rejectedNotice(token({ checked: { at: '', result: 'unreachable', scopes: ['read_repository'] } }), URL), '--api', 'scopes that cannot rotate')
  t.notMatch(rejectedNotice(token({ source: 'env:GL_TOKEN' }), URL), '--api', 'a secret we cannot rewrite')
  const gh = rejectedNotice(token({ provider: 'github', scope: 'github.com/acme/*', checked: { at: '', result: 'invalid' } }), URL)
  t.match(gh, '(GitHub says it is invalid)')
  t.match(gh, 'Renew it: git-credential-pat rotate team (make a new token at https://github.com/settings/tokens/new')
  t.match(rejectedNotice(token({ provider: 'generic', scope: 'git.example.com' }), URL), /Renew it: git-credential-pat rotate team$/)
})

t.test('a token the forge vouches for stays active, and the line says so', async t => {
  t.match(deniedNotice(token({ state: 'active' }), URL), `for ${URL}, but GitLab says the token is valid: it stays active`)
})
