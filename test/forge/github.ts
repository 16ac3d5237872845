// GitHub's answers (src/forge/github.ts).
import t from 'tap'
import { githubReport, parseGitHubExpiration } from '../../src/forge/github.js'
import type { TokenRecord } from '../../src/state/tokens.js'
import { tokenRecord } from '../lib/token.js'

const token = (over: Partial<TokenRecord> = {}): TokenRecord => tokenRecord({ name: 'tk', scope: 'gitlab.example.com', ...over })
const now = new Date('2026-06-01T12:00:00.000Z')

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers, body: JSON.stringify(body) })

t.test('GitHub expiration header', async t => {
  t.equal(parseGitHubExpiration('2027-01-31 12:00:00 UTC'), '2027-01-31T12:00:00.000Z')
  t.equal(parseGitHubExpiration('2027-01-31 12:00:00 +0100'), '2027-01-31T11:00:00.000Z')
  t.equal(parseGitHubExpiration('2027-01-31 12:00:00 -07:00'), '2027-01-31T19:00:00.000Z')
  t.equal(parseGitHubExpiration('tomorrow'), null)
})

t.test('GitHub answers', async t => {
  const tk = token({ provider: 'github' })
  t.match(
    githubReport(
      answer(200, { login: 'octo' }, { 'github-authentication-token-expiration': '2027-01-31 12:00:00 UTC', 'x-oauth-scopes': 'repo, read:org' }),
      'u',
      tk,
      now,
    ),
    {
      verdict: 'valid',
      login: 'octo',
      expires: '2027-01-31T12:00:00.000Z',
      scopes: ['repo', 'read:org'],
    },
  )
  t.match(githubReport(answer(200, { login: 'octo' }), 'u', tk, now), { verdict: 'valid', expires: null, scopes: undefined }, 'no header: no expiry')
  t.match(githubReport(answer(401, { message: 'Bad credentials' }), 'u', tk, now), { verdict: 'invalid', message: /Bad credentials/ })
  t.match(
    githubReport(answer(401, {}), 'u', token({ provider: 'github', expires: '2026-05-01T00:00:00.000Z' }), now),
    { verdict: 'expired' },
    'our record says it expired',
  )
  t.match(githubReport(answer(403, { message: 'API rate limit exceeded' }), 'u', tk, now), { verdict: 'unknown', message: /rate limit/ })
})
