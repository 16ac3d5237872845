// What add says around saving (src/cli/commands/add/notes.ts).
import t from 'tap'
import { bearerWarning, linkLines } from '../../../../src/cli/commands/add/notes.js'
import { parseScope } from '../../../../src/core/scope.js'

t.test('--auth bearer on a git older than 2.46', async t => {
  t.match(bearerWarning([2, 39]), /git 2\.39 cannot send a Bearer token .*sends this one as Basic/)
  t.equal(bearerWarning([2, 46]), undefined)
  t.equal(bearerWarning([3, 0]), undefined)
  t.equal(bearerWarning(null), undefined, 'unknown version: nothing said')
})

t.test('where to create the token', async t => {
  t.same(linkLines('gitlab', parseScope('http://127.0.0.1:8080/team/*'), 'ci-7'), [
    'create the token at: http://127.0.0.1:8080/-/user_settings/personal_access_tokens?name=ci-7&scopes=read_repository,write_repository',
  ])
  t.same(linkLines('github', parseScope('github.com/acme/app'), 'n'), [
    'create the token at: https://github.com/settings/tokens/new?description=n&scopes=repo',
    '  or fine-grained: https://github.com/settings/personal-access-tokens/new',
  ])
  t.same(linkLines('generic', parseScope('git.example.com'), 'n'), [], 'nothing for generic')
})
