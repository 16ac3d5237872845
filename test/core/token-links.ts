// Where to create a token (src/core/token-links.ts).
import t from 'tap'
import { tokenLinks } from '../../src/core/token-links.js'

t.test('token pages, name and scopes filled in', async t => {
  t.same(tokenLinks('gitlab', 'https', 'gitlab.com', 'gl-vm', []), {
    link: 'https://gitlab.com/-/user_settings/personal_access_tokens?name=gl-vm&scopes=read_repository,write_repository',
    extra: [],
  })
  t.same(
    tokenLinks('gitlab', 'http', '127.0.0.1:8080', 'a b', []).link,
    'http://127.0.0.1:8080/-/user_settings/personal_access_tokens?name=a%20b&scopes=read_repository,write_repository',
  )
  t.same(tokenLinks('github', 'https', 'github.com', 'n', []), {
    link: 'https://github.com/settings/tokens/new?description=n&scopes=repo',
    extra: ['fine-grained: https://github.com/settings/personal-access-tokens/new'],
  })
  t.equal(tokenLinks('bitbucket', 'https', 'bitbucket.org', 'n', ['ws', 'r']).link, 'https://bitbucket.org/ws/r/admin/access-tokens')
  t.equal(tokenLinks('bitbucket', 'https', 'bitbucket.org', 'n', ['ws']).link, 'https://bitbucket.org/ws/workspace/settings/access-tokens', 'a workspace')
  t.same(tokenLinks('generic', 'https', 'git.example.com', 'n', []), { link: undefined, extra: [] }, 'nothing for generic')
})
