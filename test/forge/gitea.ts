// Gitea's answers (src/forge/gitea.ts).
import t from 'tap'
import { giteaHeaders, giteaReport } from '../../src/forge/gitea.js'

const answer = (status: number, body: unknown) => ({ status, headers: {}, body: JSON.stringify(body) })

t.test('Gitea answers', async t => {
  t.same(giteaHeaders('s3cret'), { Authorization: 'token s3cret' })
  t.match(giteaReport(answer(200, { id: 1, login: 'me' }), 'u'), { verdict: 'valid', login: 'me', active: true, message: /accepts the token \(user me\)/ })
  t.notOk('expires' in giteaReport(answer(200, { id: 1, login: 'me' }), 'u'), 'Gitea says nothing of the expiry')
  t.match(giteaReport(answer(401, { message: 'user does not exist' }), 'u'), { verdict: 'invalid', active: false, message: /401/ })
  t.match(giteaReport(answer(403, { message: 'token does not have at least one of required scope(s): [read:user]' }), 'u'), {
    verdict: 'valid',
    message: /read:user/,
  })
  t.match(giteaReport(answer(404, { message: 'Not Found' }), 'u'), { verdict: 'unknown' })
  t.match(giteaReport({ status: 200, headers: {}, body: '<html>' }, 'u'), { verdict: 'unknown' }, 'not Gitea JSON')
})
