// Which answers identify a forge (src/forge/identify.ts): a forge's own
// words, a refusal included; never a page any web server might give.
import t from 'tap'
import { PROBES } from '../../src/forge/identify.js'

const speaks = (kind: string, path: string, status: number, body: Record<string, unknown> | null) =>
  PROBES.find(p => p.kind === kind && p.path === path)!.speaks(status, body)

t.test("GitLab's …/personal_access_tokens/self", async t => {
  const self = '/api/v4/personal_access_tokens/self'
  t.ok(speaks('gitlab', self, 200, { active: true, scopes: ['api'], expires_at: null }))
  t.ok(speaks('gitlab', self, 401, { message: '401 Unauthorized' }), 'a GitLab refusing the token is a GitLab')
  t.ok(speaks('gitlab', self, 401, { error: 'invalid_token', error_description: 'Token was revoked.' }))
  t.notOk(speaks('gitlab', self, 401, null), 'a 401 page from a proxy in front of anything')
  t.notOk(speaks('gitlab', self, 200, { ok: true }), 'any JSON is not GitLab')
  t.notOk(speaks('gitlab', self, 404, { message: '404 Not Found' }))
})

t.test("Gitea's /api/v1/user and GitHub's /user", async t => {
  t.ok(speaks('gitea', '/api/v1/user', 200, { id: 3, login: 'me' }))
  t.ok(speaks('gitea', '/api/v1/user', 401, { message: 'user does not exist', url: 'https://x/api/swagger' }))
  t.ok(speaks('gitea', '/api/v1/user', 403, { message: 'token does not have at least one of required scope(s): [read:user]', url: '' }))
  t.notOk(speaks('gitea', '/api/v1/user', 401, { message: 'Unauthorized' }))
  t.ok(speaks('github', '/api/v3/user', 200, { id: 1, login: 'octo' }))
  t.ok(speaks('github', '/user', 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }))
  t.notOk(speaks('github', '/user', 200, null), 'an HTML page at /user')
})
