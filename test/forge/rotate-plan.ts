// The pure decisions around a rotation (src/forge/rotate-plan.ts).
import t from 'tap'
import { blockedBy, canSelfRotate, defaultExpiry, markResult, renewPage, STALE_START_MS } from '../../src/forge/rotate-plan.js'
import { tokenRecord } from '../lib/token.js'

const now = new Date('2026-06-01T12:00:00.000Z')

t.test('canSelfRotate: api or self_rotate', async t => {
  t.equal(canSelfRotate(['api']), true)
  t.equal(canSelfRotate(['self_rotate', 'read_repository']), true)
  t.equal(canSelfRotate(['read_repository', 'write_repository']), false)
  t.equal(canSelfRotate([]), false)
  t.equal(canSelfRotate(undefined), undefined, 'scopes unknown: cannot tell')
})

t.test('defaultExpiry: the previous lifetime, within 30..365 days', async t => {
  const d = (created: string, expires: string | null, rotated?: string) => defaultExpiry(tokenRecord({ created, expires, rotated }), now)
  t.same(d('2026-03-03T12:00:00.000Z', '2026-06-01T12:00:00.000Z'), { date: '2026-08-30', days: 90, known: true }, '90 days')
  t.match(d('2026-05-29T00:00:00.000Z', '2026-06-04T00:00:00.000Z'), { days: 30, known: true }, 'a short span: at least 30 days')
  t.match(d('2020-01-01T00:00:00.000Z', '2026-06-04T00:00:00.000Z'), { days: 365, date: '2027-06-01' }, 'at most 365 days')
  t.match(d('2026-01-01T00:00:00.000Z', null), { days: 90, known: false }, 'unknown expiry: 90 days')
  t.match(d('2025-01-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z', '2026-05-02T00:00:00.000Z'), { days: 60 }, 'from the last rotation, not the creation')
  // Made in the afternoon, expiring at midnight 90 days on (as --expires 90d and forges record it).
  t.match(d('2026-03-03T18:30:00.000Z', '2026-06-01T00:00:00.000Z'), { days: 90 }, 'calendar days, whatever the time of day')
  t.match(d('2026-03-03T05:00:00.000Z', '2026-06-01T00:00:00.000Z'), { days: 90 }, 'morning too')
})

t.test('renewPage: the provider page, prefilled, on http for an http forge', async t => {
  t.equal(
    renewPage(tokenRecord({ name: 'gl', scope: 'gitlab.com' })),
    'https://gitlab.com/-/user_settings/personal_access_tokens?name=gl&scopes=read_repository,write_repository',
  )
  t.equal(
    renewPage(tokenRecord({ name: 'x', scope: 'http://127.0.0.1:8080/g/*' })),
    'http://127.0.0.1:8080/-/user_settings/personal_access_tokens?name=x&scopes=read_repository,write_repository',
  )
  t.equal(renewPage(tokenRecord({ name: 'gh', scope: 'github.com', provider: 'github' })), 'https://github.com/settings/tokens/new?description=gh&scopes=repo')
  t.equal(renewPage(tokenRecord({ scope: 'example.com', provider: 'generic' })), undefined)
})

t.test('markResult and blockedBy: a stale start reads as unknown; both block', async t => {
  const at = (ms: number) => new Date(now.getTime() - ms).toISOString()
  t.equal(markResult(undefined, now), undefined)
  t.equal(markResult({ at: at(1000), result: 'started' }, now), 'started')
  t.equal(markResult({ at: at(STALE_START_MS + 1000), result: 'started' }, now), 'unknown')
  t.equal(markResult({ at: at(1000), result: 'refused' }, now), 'refused')
  t.equal(blockedBy(tokenRecord(), now), null)
  t.match(blockedBy(tokenRecord({ rotation: { at: at(1000), result: 'started' } }), now), /under way/)
  t.match(blockedBy(tokenRecord({ rotation: { at: at(1000), result: 'unknown' } }), now), /got no answer.*git-credential-pat check gl/)
  t.equal(blockedBy(tokenRecord({ rotation: { at: at(1000), result: 'failed' } }), now), null, 'nothing changed at the forge: may try again')
})
