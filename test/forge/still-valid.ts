// erase's question (src/forge/still-valid.ts) against the loopback forge
// server in-process: keep what the forge accepts, reject the rest.
import t from 'tap'
import { startForgeServer } from '../e2e/lib/forge-server.js'
import { stillValid } from '../../src/forge/still-valid.js'
import type { TokenRecord } from '../../src/state/tokens.js'
import { tokenRecord } from '../lib/token.js'

const token = (over: Partial<TokenRecord> = {}): TokenRecord => tokenRecord({ name: 'tk', scope: 'gitlab.example.com', ...over })
const now = new Date('2026-06-01T12:00:00.000Z')

t.test('stillValid against the loopback forge', async t => {
  const SECRET = { ok: 'glpat-valid-secret-0001', revoked: 'glpat-revoked-secret-0002', slow: 'glpat-slow-secret-0003' }
  const forge = await startForgeServer([
    { token: SECRET.ok, expiresAt: '2027-01-31', login: 'alice', scopes: ['read_repository'] },
    { token: SECRET.revoked, revoked: true },
    { token: SECRET.slow, hang: true },
  ])
  t.teardown(() => forge.close())
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' }

  const rec = token({ scope: `http://127.0.0.1:${forge.port}` })
  t.equal(await stillValid(rec, SECRET.ok, env, now), true, 'erase: valid → keep')
  t.equal(rec.expires, '2027-01-31T00:00:00.000Z', 'and the expiry was learned')
  t.equal(await stillValid(rec, SECRET.revoked, env, now), false, 'erase: revoked → reject')
  t.match(rec.checked, { result: 'revoked' }, 'what the forge said is recorded')
  t.equal(await stillValid(rec, SECRET.slow, { ...env, GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS: '200' }, now), false, 'erase: no answer → reject')
  t.equal(await stillValid(token({ provider: 'generic' }), SECRET.ok, env, now), false, 'erase: forge does not say → reject')
})
