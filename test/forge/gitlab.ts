// GitLab's answers (src/forge/gitlab.ts).
import t from 'tap'
import { gitlabReport } from '../../src/forge/gitlab.js'

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers, body: JSON.stringify(body) })

t.test('GitLab answers', async t => {
  const ok = gitlabReport(answer(200, { revoked: false, active: true, expires_at: '2027-01-31', scopes: ['read_repository'] }), 'u')
  t.match(ok, { verdict: 'valid', expires: '2027-01-31T00:00:00.000Z', scopes: ['read_repository'], active: true })
  t.match(gitlabReport(answer(200, { revoked: false, active: true, expires_at: null }), 'u'), { verdict: 'valid', expires: null })
  t.match(gitlabReport(answer(200, { revoked: true, active: false, expires_at: null }), 'u'), { verdict: 'revoked' })
  t.match(gitlabReport(answer(200, { revoked: false, active: false, expires_at: '2026-01-01' }), 'u'), { verdict: 'expired' })
  t.match(gitlabReport(answer(401, { error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.' }), 'u'), {
    verdict: 'revoked',
  })
  t.match(gitlabReport(answer(401, { error: 'invalid_token', error_description: 'Token has expired.' }), 'u'), { verdict: 'expired' })
  t.match(gitlabReport(answer(401, { message: '401 Unauthorized' }), 'u'), { verdict: 'invalid' })
  t.match(gitlabReport(answer(403, { error: 'insufficient_scope' }), 'u'), { verdict: 'valid', expires: undefined })
  t.match(gitlabReport(answer(404, { message: '404 Not Found' }), 'u'), { verdict: 'unknown', message: /404/ })
  t.match(gitlabReport(answer(302, {}), 'u'), { verdict: 'unknown', message: /not followed/ })
  t.match(gitlabReport(answer(502, {}), 'u'), { verdict: 'unknown', message: /502/ })
  t.match(gitlabReport({ status: 200, headers: {}, body: '<html>' }, 'u'), { verdict: 'unknown' })
  t.match(gitlabReport(answer(200, { message: 'ok' }), 'u'), { verdict: 'unknown' }, 'JSON without a token in it vouches for nothing')
})
