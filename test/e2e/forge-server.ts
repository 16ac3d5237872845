// The loopback GitLab API's self-rotation (test/e2e/lib/forge-server.ts)
// behaves as GitLab documents it, so the tests built on it
// mean something: the old token revoked on success, a second rotation with
// the old token revokes the new one too (GitLab #524639), an expired token
// refused, an expires_at past the maximum refused with 400.
import t from 'tap'
import { startForgeServer } from './lib/forge-server.js'

const DAY = 86_400_000
const dayIn = (d: number) => new Date(Date.now() + d * DAY).toISOString().slice(0, 10)

const forge = await startForgeServer(
  [
    { token: 'glpat-fs-a', expiresAt: dayIn(3), scopes: ['api'] },
    { token: 'glpat-fs-expired', expired: true, scopes: ['api'] },
    { token: 'glpat-fs-narrow', expiresAt: dayIn(3), scopes: ['read_repository'] },
    { token: 'glpat-fs-b', expiresAt: dayIn(3), scopes: ['self_rotate'] },
  ],
  { maxLifetimeDays: 100 },
)
t.teardown(() => forge.close())

const rotate = (token: string, expires?: string) =>
  fetch(`${forge.url}/api/v4/personal_access_tokens/self/rotate${expires ? `?expires_at=${expires}` : ''}`, {
    method: 'POST',
    headers: { 'PRIVATE-TOKEN': token },
  })
const self = (token: string) => fetch(`${forge.url}/api/v4/personal_access_tokens/self`, { headers: { 'PRIVATE-TOKEN': token } })

t.test('success: a new token, the old one revoked; reuse of the old one revokes the new one too', async t => {
  const r = await rotate('glpat-fs-a', dayIn(30))
  t.equal(r.status, 200)
  const body = (await r.json()) as { token: string; expires_at: string; active: boolean }
  t.match(body, { expires_at: dayIn(30), active: true, token: /^glpat-rotated-/ })
  t.equal((await self('glpat-fs-a')).status, 401, 'the old token is revoked at once')
  t.equal((await self(body.token)).status, 200, 'the new one works')
  const again = await rotate('glpat-fs-a')
  t.equal(again.status, 401)
  t.equal((await self(body.token)).status, 401, 'the whole family is revoked')
})

t.test('refusals', async t => {
  t.equal((await rotate('glpat-fs-expired', dayIn(30))).status, 401, 'an expired token')
  t.equal((await rotate('glpat-unknown', dayIn(30))).status, 401, 'an unknown token')
  t.equal((await rotate('glpat-fs-narrow', dayIn(30))).status, 403, 'without api or self_rotate')
  const far = await rotate('glpat-fs-b', dayIn(200))
  t.equal(far.status, 400, 'past the maximum lifetime')
  t.match(await far.json(), { message: /^400 Bad request/ })
  t.equal((await self('glpat-fs-b')).status, 200, 'a refusal changes nothing')
  const week = await rotate('glpat-fs-b')
  t.equal(week.status, 200, 'self_rotate is enough')
  t.match(await week.json(), { expires_at: dayIn(7) }, 'no expires_at: one week')
})

t.test('form body, and the request log', async t => {
  forge.setToken({ token: 'glpat-fs-c', expiresAt: dayIn(3), scopes: ['api'] })
  const r = await fetch(`${forge.url}/api/v4/personal_access_tokens/self/rotate`, {
    method: 'POST',
    headers: { 'PRIVATE-TOKEN': 'glpat-fs-c', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `expires_at=${dayIn(40)}`,
  })
  t.equal(r.status, 200)
  t.match(forge.requests.at(-1), {
    method: 'POST',
    path: '/api/v4/personal_access_tokens/self/rotate',
    auth: 'private-token',
    expiresAt: dayIn(40),
    status: 200,
  })
})
