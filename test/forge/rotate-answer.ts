// GitLab's answers to the self-rotation request, read as documented
// (src/forge/rotate-answer.ts).
import t from 'tap'
import { rotateOutcome } from '../../src/forge/rotate-answer.js'

const ctx = {
  name: 'gl',
  page: 'https://gitlab.com/-/user_settings/personal_access_tokens',
  apiUrl: 'https://gitlab.com/api/v4/personal_access_tokens/self/rotate',
  asked: '2027-03-01',
}
const answer = (status: number, body: unknown) => ({ status, headers: {}, body: typeof body === 'string' ? body : JSON.stringify(body) })

t.test('200: the new token and the expiry GitLab granted', async t => {
  t.same(rotateOutcome(answer(200, { token: 'glpat-new', expires_at: '2027-02-01', active: true }), ctx), {
    kind: 'rotated',
    secret: 'glpat-new',
    expires: '2027-02-01T00:00:00.000Z',
  })
  t.match(rotateOutcome(answer(200, { token: 'glpat-new', expires_at: null }), ctx), { kind: 'rotated', expires: null })
  t.match(rotateOutcome(answer(200, { active: true }), ctx), { kind: 'unknown', message: /without a new token/ }, 'no token in a 200: the old one may be gone')
  t.match(rotateOutcome(answer(200, 'not json'), ctx), { kind: 'unknown' })
  t.match(rotateOutcome(answer(200, { token: 'a\nb' }), ctx), { kind: 'unknown' }, 'a token that cannot go in a header is not taken')
})

t.test('refusals change nothing at the forge and say what to do', async t => {
  t.match(rotateOutcome(answer(400, { message: '400 Bad request - too far' }), ctx), {
    kind: 'refused',
    message: /GitLab refused the expiry 2027-03-01 \(400: 400 Bad request - too far\).*--expires 30d/,
  })
  t.match(rotateOutcome(answer(401, { error: 'invalid_token', error_description: 'Token has expired.' }), ctx), {
    kind: 'refused',
    message:
      /401: Token has expired\.\).*make a new one at https:\/\/gitlab\.com\/-\/user_settings\/personal_access_tokens, then: git-credential-pat rotate gl/,
  })
  t.match(rotateOutcome(answer(403, { message: '403 Forbidden' }), ctx), { kind: 'refused', message: /api scope, or self_rotate/ })
  t.match(rotateOutcome(answer(404, { message: '404 Not Found' }), ctx), { kind: 'refused', message: /no self-rotation endpoint.*16\.10/ })
  t.match(rotateOutcome(answer(405, {}), ctx), { kind: 'refused', message: /405/ })
  t.match(rotateOutcome(answer(302, ''), ctx), { kind: 'refused', message: /redirects \(302\); not followed/ })
  t.match(rotateOutcome(answer(429, {}), ctx), { kind: 'refused', message: /GitLab answered 429/ })
})

t.test('a 5xx may come after GitLab acted: unknown', async t => {
  t.match(rotateOutcome(answer(502, 'Bad Gateway'), ctx), { kind: 'unknown', message: /502/ })
  t.match(rotateOutcome(answer(500, { message: '500 Internal Server Error' }), ctx), { kind: 'unknown' })
})
