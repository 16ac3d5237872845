// askForge (src/forge/ask.ts) against the loopback forge server in-process:
// which request goes where, with which header, and what comes back.
import t from 'tap'
import { startForgeServer } from '../e2e/lib/forge-server.js'
import { askForge } from '../../src/forge/ask.js'
import type { TokenRecord } from '../../src/state/tokens.js'
import { tokenRecord } from '../lib/token.js'

const token = (over: Partial<TokenRecord> = {}): TokenRecord => tokenRecord({ name: 'tk', scope: 'gitlab.example.com', ...over })
const now = new Date('2026-06-01T12:00:00.000Z')

t.test('askForge against the loopback forge', async t => {
  const SECRET = { ok: 'glpat-valid-secret-0001', slow: 'glpat-slow-secret-0003', gh: 'ghp_github_secret_0004' }
  const forge = await startForgeServer([
    { token: SECRET.ok, expiresAt: '2027-01-31', login: 'alice', scopes: ['read_repository'] },
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
})

t.test('askForge refuses what cannot be asked', async t => {
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' }
  const notHttp = await askForge(token(), 'glpat-secret-0001', { env, api: { kind: 'gitlab', url: 'ftp://user:pw@host/x?private_token=y' }, now: new Date() })
  t.match(notHttp, { verdict: 'unknown', message: "patApiUrl gives 'ftp://host/x', which is not an http(s) URL" })
  const newline = await askForge(token(), 'glpat-secret\n0001', { env, api: { kind: 'gitlab', url: 'http://127.0.0.1:1/' }, now: new Date() })
  t.match(newline, { verdict: 'unknown', message: /line break/ })
})
