// Asking forges about tokens (src/forge.ts): where to ask, how answers read,
// and askForge/stillValid against the loopback forge server in-process.
import t from 'tap'
import { startForgeServer } from '../e2e/lib/forge-server.js'
import {
  tokenApi,
  parseGitHubExpiration,
  gitlabReport,
  githubReport,
  askForge,
  stillValid,
  recordReport,
  redactUrl,
  eraseTimeoutMs,
  checkTimeoutMs,
} from '../../src/forge/forge.js'
import type { TokenRecord } from '../../src/state/tokens.js'
import { tokenRecord } from '../lib/token.js'

const token = (over: Partial<TokenRecord> = {}): TokenRecord => tokenRecord({ name: 'tk', scope: 'gitlab.example.com', ...over })
const now = new Date('2026-06-01T12:00:00.000Z')

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
  t.equal(tokenApi(token({ provider: 'gitea', scope: 'codeberg.org' })), null, 'others: no API')
  t.equal(tokenApi(token({ provider: 'generic' })), null)
})

t.test('GitHub expiration header', async t => {
  t.equal(parseGitHubExpiration('2027-01-31 12:00:00 UTC'), '2027-01-31T12:00:00.000Z')
  t.equal(parseGitHubExpiration('2027-01-31 12:00:00 +0100'), '2027-01-31T11:00:00.000Z')
  t.equal(parseGitHubExpiration('2027-01-31 12:00:00 -07:00'), '2027-01-31T19:00:00.000Z')
  t.equal(parseGitHubExpiration('tomorrow'), null)
})

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

t.test('recordReport', async t => {
  const tk = token({ expires: '2026-12-01T00:00:00.000Z', checked: { at: 'x', login: 'alice', scopes: ['api'] } })
  recordReport(tk, { verdict: 'valid', expires: '2027-01-31T00:00:00.000Z', scopes: ['read_api'], active: true, message: 'm', apiUrl: 'u' }, now)
  t.equal(tk.expires, '2027-01-31T00:00:00.000Z', 'the forge expiry wins')
  t.match(tk.checked, { at: now.toISOString(), result: 'valid', scopes: ['read_api'], login: 'alice', note: 'm' })
  recordReport(tk, { verdict: 'unreachable', message: 'down' }, now)
  t.equal(tk.expires, '2027-01-31T00:00:00.000Z', 'unreachable changes no expiry')
  t.match(tk.checked, { result: 'unreachable', login: 'alice', scopes: undefined })
})

t.test('redactUrl', async t => {
  t.equal(redactUrl('https://user:pw@host/api?private_token=x'), 'https://host/api')
})

t.test('timeouts', async t => {
  t.equal(eraseTimeoutMs({}), 3000)
  t.equal(eraseTimeoutMs({ GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS: '200' }), 200)
  t.equal(eraseTimeoutMs({ GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS: '60000' }), 3000, 'erase never waits over 3 s')
  t.equal(checkTimeoutMs({ GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS: '250' }), 250)
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'credential.pat.checkTimeout',
    GIT_CONFIG_VALUE_0: '4s',
  }
  delete env.GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS
  t.equal(checkTimeoutMs(env), 4000, 'credential.pat.checkTimeout')
  const none = { ...env, GIT_CONFIG_COUNT: '0' }
  t.equal(checkTimeoutMs(none), 10_000, 'default 10 s')
})

t.test('askForge and stillValid against the loopback forge', async t => {
  const SECRET = { ok: 'glpat-valid-secret-0001', revoked: 'glpat-revoked-secret-0002', slow: 'glpat-slow-secret-0003', gh: 'ghp_github_secret_0004' }
  const forge = await startForgeServer([
    { token: SECRET.ok, expiresAt: '2027-01-31', login: 'alice', scopes: ['read_repository'] },
    { token: SECRET.revoked, revoked: true },
    { token: SECRET.slow, hang: true },
    { token: SECRET.gh, login: 'octo', expiresAt: '2027-02-01T10:00:00Z', scopes: ['repo'] },
  ])
  t.teardown(() => forge.close())
  const gl = token({ scope: `http://127.0.0.1:${forge.port}` })
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' }

  const ok = await askForge(gl, SECRET.ok, { env, details: true, now })
  t.match(ok, { verdict: 'valid', expires: '2027-01-31T00:00:00.000Z', login: 'alice', scopes: ['read_repository'] })
  t.same(
    forge.requests.slice(-2).map(r => [r.path, r.auth, r.token === SECRET.ok]),
    [
      ['/api/v4/personal_access_tokens/self', 'private-token', true],
      ['/api/v4/user', 'private-token', true],
    ],
  )

  const gh = await askForge(token({ provider: 'github', scope: `http://127.0.0.1:${forge.port}` }), SECRET.gh, { env, now })
  t.match(gh, { verdict: 'valid', login: 'octo', expires: '2027-02-01T10:00:00.000Z', scopes: ['repo'] })
  t.match(forge.requests.at(-1), { path: '/api/v3/user', auth: 'bearer' }, 'GitHub Enterprise path, Bearer')

  const started = Date.now()
  const slow = await askForge(gl, SECRET.slow, { env, timeoutMs: 300, now })
  t.match(slow, { verdict: 'unreachable', message: /no answer within 0\.3 s/ })
  t.ok(Date.now() - started < 2000, 'the deadline holds')

  const refused = await askForge(gl, SECRET.ok, { env, api: { kind: 'gitlab', url: 'http://127.0.0.1:1/api/v4/personal_access_tokens/self' }, now })
  t.match(refused, { verdict: 'unreachable', message: /connection refused/ })

  const generic = await askForge(token({ provider: 'generic' }), SECRET.ok, { env, now })
  t.match(generic, { verdict: 'unknown', message: /the forge does not say/ })

  for (const r of [ok, gh, slow, refused, generic]) {
    for (const s of Object.values(SECRET)) t.notMatch(JSON.stringify(r), s, 'no secret in any report')
  }

  const rec = token({ scope: `http://127.0.0.1:${forge.port}` })
  t.equal(await stillValid(rec, SECRET.ok, env, now), true, 'erase: valid → keep')
  t.equal(rec.expires, '2027-01-31T00:00:00.000Z', 'and the expiry was learned')
  t.equal(await stillValid(rec, SECRET.revoked, env, now), false, 'erase: revoked → reject')
  t.equal(await stillValid(rec, SECRET.slow, { ...env, GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS: '200' }, now), false, 'erase: no answer → reject')
  t.equal(await stillValid(token({ provider: 'generic' }), SECRET.ok, env, now), false, 'erase: forge does not say → reject')
})
