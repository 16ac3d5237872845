// get's side of credential.pat.autoRotate, its decisions (src/forge/auto-rotate.ts).
import t from 'tap'
import { intoWindow, mayStart, notRenewable, rotationText, wouldAutoRotate } from '../../src/forge/auto-rotate.js'
import { tokenRecord } from '../lib/token.js'
import type { RotationMark } from '../../src/state/tokens.js'

const now = new Date('2026-06-01T12:00:00.000Z')
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString()
const expires = '2026-06-04T00:00:00.000Z'

t.test('notRenewable: GitLab keychain tokens whose scopes allow it', async t => {
  t.equal(notRenewable(tokenRecord()), null)
  t.match(notRenewable(tokenRecord({ provider: 'github' })), /github has no API/)
  for (const source of ['env:GL', 'file:/x', 'exec:pass gl'])
    t.match(notRenewable(tokenRecord({ source })), /its secret lives in (env|file|exec):…, so renew it there/)
  t.match(notRenewable(tokenRecord({ checked: { at: ago(1), scopes: ['read_repository'] } })), /scopes/)
  t.equal(notRenewable(tokenRecord({ checked: { at: ago(1), scopes: ['self_rotate'] } })), null)
})

t.test('mayStart: once per expiry, never after a lost answer', async t => {
  const tk = (rotation?: RotationMark) => tokenRecord({ expires, rotation })
  t.equal(mayStart(tk(), now), true, 'never tried')
  t.equal(mayStart(tk({ at: ago(1000), result: 'rotated', expires: '2026-03-01T00:00:00.000Z' }), now), true, 'renewed before: this expiry is new')
  t.equal(mayStart(tk({ at: ago(1000), result: 'rotated', expires }), now), false, 'renewed from this expiry, which the forge kept: not again')
  t.equal(mayStart(tk({ at: ago(1000), result: 'started', expires }), now), false, 'under way')
  t.equal(mayStart(tk({ at: ago(1000), result: 'unknown', expires }), now), false, 'lost answer: never')
  t.equal(mayStart(tk({ at: ago(1000), result: 'lost', expires }), now), false)
  t.equal(mayStart(tk({ at: ago(10 * 60_000), result: 'started', expires }), now), false, 'a stale start is unknown: never')
  t.equal(mayStart(tk({ at: ago(1000), result: 'refused', expires }), now), false, 'refused for this expiry')
  t.equal(mayStart(tk({ at: ago(1000), result: 'refused', expires: '2026-05-01T00:00:00.000Z' }), now), true, 'refused for another expiry')
  t.equal(mayStart(tk({ at: ago(1000), result: 'failed', expires }), now), false, 'unreachable a moment ago')
  t.equal(mayStart(tk({ at: ago(2 * 3_600_000), result: 'failed', expires }), now), true, 'unreachable hours ago: again')
})

t.test('intoWindow: a renewal whose new expiry would warn again is not started', async t => {
  const cfg = (warnDays: number) => ({ warnDays, intervalMs: 86_400_000 })
  // Made today, 20 days left: its lifetime of 20 days is asked as 30.
  const young = tokenRecord({ created: now.toISOString(), expires: '2026-06-21T00:00:00.000Z' })
  t.match(intoWindow(young, now, cfg(30)), /a renewal for 30 days \(its previous lifetime\) would expire inside credential\.pat\.warnDays \(30\)/)
  t.match(intoWindow(young, now, cfg(30)), /git-credential-pat rotate gl --api --expires 90d/)
  t.equal(intoWindow(young, now, cfg(7)), null, 'warnDays 7: 30 days land beyond it')
  const old = tokenRecord({ created: '2026-03-01T00:00:00.000Z', expires: '2026-06-21T00:00:00.000Z' })
  t.equal(intoWindow(old, now, cfg(30)), null, 'a 112-day lifetime lands beyond 30 days')
})

t.test('rotationText: what list and show say', async t => {
  t.equal(rotationText(tokenRecord(), now), undefined)
  t.match(rotationText(tokenRecord({ rotation: { at: ago(1000), result: 'rotated', auto: true } }), now), /^automatic renewal through the forge/)
  t.match(rotationText(tokenRecord({ rotation: { at: ago(1000), result: 'unknown' } }), now), /got no answer; run: git-credential-pat check gl/)
  t.match(rotationText(tokenRecord({ rotation: { at: ago(1000), result: 'refused', note: 'GitLab refused' } }), now), /refused: GitLab refused/)
})

t.test('wouldAutoRotate: git config, per URL over the plain key', async t => {
  const dir = t.testdir({ gitconfig: '[credential "https://gitlab.com"]\n\tpatAutoRotate = true\n[credential "pat"]\n\tautoRotate = false\n' })
  const env = { ...process.env, GIT_CONFIG_GLOBAL: `${dir}/gitconfig`, GIT_CONFIG_NOSYSTEM: '1' }
  t.equal(wouldAutoRotate(tokenRecord({ scope: 'gitlab.com' }), env), true, 'credential.<url>.patAutoRotate')
  t.equal(wouldAutoRotate(tokenRecord({ scope: 'gitlab.example.com' }), env), false, 'credential.pat.autoRotate=false elsewhere')
  t.equal(wouldAutoRotate(tokenRecord({ scope: 'gitlab.com', source: 'env:X' }), env), false, 'never an env: token')
  const off = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' }
  t.equal(wouldAutoRotate(tokenRecord({ scope: 'gitlab.com' }), off), false, 'default off')
})
