// Where to ask about a token (src/forge/api.ts).
import t from 'tap'
import { tokenApi } from '../../src/forge/api.js'
import type { TokenRecord } from '../../src/state/tokens.js'
import { tokenRecord } from '../lib/token.js'

const token = (over: Partial<TokenRecord> = {}): TokenRecord => tokenRecord({ name: 'tk', scope: 'gitlab.example.com', ...over })

t.test('where to ask', async t => {
  t.equal(tokenApi(token())?.url, 'https://gitlab.example.com/api/v4/personal_access_tokens/self')
  t.equal(
    tokenApi(token({ scope: 'gitlab.example.com/team/*' }))?.url,
    'https://gitlab.example.com/api/v4/personal_access_tokens/self',
    'the host, not the path',
  )
  t.equal(
    tokenApi(token({ scope: 'http://git.lan:8080/x' }))?.url,
    'http://git.lan:8080/api/v4/personal_access_tokens/self',
    'http scope → http API, same port',
  )
  t.equal(tokenApi(token({ scope: 'foss.heptapod.net' }))?.url, 'https://foss.heptapod.net/api/v4/personal_access_tokens/self')
  t.equal(tokenApi(token(), 'https://example.org/gitlab/')?.url, 'https://example.org/gitlab/api/v4/personal_access_tokens/self', 'override: instance URL')
  t.equal(tokenApi(token(), 'https://example.org/gitlab/api/v4')?.url, 'https://example.org/gitlab/api/v4/personal_access_tokens/self', 'override: …/api/v4')
  t.equal(tokenApi(token({ provider: 'github', scope: 'github.com/acme/app' }))?.url, 'https://api.github.com/user')
  t.equal(tokenApi(token({ provider: 'github', scope: 'ghe.corp.example' }))?.url, 'https://ghe.corp.example/api/v3/user', 'Enterprise Server')
  t.equal(tokenApi(token({ provider: 'github', scope: 'ghe.corp.example' }), 'https://api.ghe.example')?.url, 'https://api.ghe.example/user')
  t.same(tokenApi(token({ provider: 'gitea', scope: 'codeberg.org' })), { kind: 'gitea', url: 'https://codeberg.org/api/v1/user' }, 'Gitea: GET /api/v1/user')
  t.equal(tokenApi(token({ provider: 'gitea', scope: 'http://git.lan:3000/a/b' }))?.url, 'http://git.lan:3000/api/v1/user')
  t.equal(tokenApi(token({ provider: 'gitea' }), 'https://example.org/gitea/api/v1')?.url, 'https://example.org/gitea/api/v1/user', 'override: …/api/v1')
  t.equal(tokenApi(token({ provider: 'gitea' }), 'https://example.org/gitea')?.url, 'https://example.org/gitea/api/v1/user', 'override: instance URL')
  t.equal(tokenApi(token({ provider: 'bitbucket', scope: 'bitbucket.org' })), null, 'others: no API')
  t.equal(tokenApi(token({ provider: 'generic' })), null)
})
