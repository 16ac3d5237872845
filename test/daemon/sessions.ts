// Session-only tokens, through an in-process daemon: scope, username,
// specificity, expiry, erase (src/daemon/sessions.ts).
import t from 'tap'
import { testDaemon } from './lib/in-process.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

t.test('session-only tokens: by scope, username, specificity and expiry', async t => {
  const d = await testDaemon(t)
  t.same(await d.ask({ op: 'session-put', scope: 'http://127.0.0.1:8080', username: 'ci', secret: 'host-s' }), { ok: true })
  t.same(await d.ask({ op: 'session-put', scope: 'http://127.0.0.1:8080/group/*', username: 'ci', secret: 'group-s' }), { ok: true })
  const q = (path?: string, username?: string) => d.ask({ op: 'session-get', protocol: 'http', host: '127.0.0.1:8080', path, username })
  t.match(await q('group/a.git'), { ok: true, session: { secret: 'group-s', username: 'ci', scope: 'http://127.0.0.1:8080/group/*' } })
  t.match(await q('other/b'), { ok: true, session: { secret: 'host-s' } })
  t.match(await q(undefined), { ok: true, session: { secret: 'host-s' } }, 'no path: the host token')
  t.same(await q('group/a', 'someone-else'), { ok: true }, 'another username never matches')
  t.same(await d.ask({ op: 'session-get', protocol: 'https', host: '127.0.0.1:8080' }), { ok: true }, 'https is another origin')
  t.same(await d.ask({ op: 'session-get', protocol: 'http', host: '127.0.0.1:8081' }), { ok: true }, 'another port')
  t.equal(d.handle.status().sessions, 2)
  // Replacing the same scope and user keeps one.
  await d.ask({ op: 'session-put', scope: 'http://127.0.0.1:8080', username: 'ci', secret: 'host-s2' })
  t.match(await q('x/y'), { session: { secret: 'host-s2' } })
  t.equal(d.handle.status().sessions, 2)
  // erase semantics: a different password drops nothing; the same one drops it.
  t.match(await d.ask({ op: 'session-drop', protocol: 'http', host: '127.0.0.1:8080', secret: 'wrong' }), { ok: true, dropped: 0 })
  t.match(await d.ask({ op: 'session-drop', protocol: 'http', host: '127.0.0.1:8080', path: 'group/a', secret: 'group-s' }), { ok: true, dropped: 1 })
  t.match(await q('group/a'), { session: { secret: 'host-s2' } })
  t.match(await d.ask({ op: 'session-drop', protocol: 'http', host: '127.0.0.1:8080' }), { dropped: 1 })
  t.equal(d.handle.status().sessions, 0)
})

t.test('a session token with an expiry is dropped then; bad scopes and past expiries are refused', async t => {
  const d = await testDaemon(t)
  t.same(await d.ask({ op: 'session-put', scope: 'gitlab.com', username: 'u', secret: 's', expiresAt: Date.now() + 150 }), { ok: true })
  t.match(await d.ask({ op: 'session-get', protocol: 'https', host: 'gitlab.com' }), { session: { secret: 's' } })
  await sleep(300)
  t.same(await d.ask({ op: 'session-get', protocol: 'https', host: 'gitlab.com' }), { ok: true })
  t.equal(d.handle.status().sessions, 0)
  t.match(await d.ask({ op: 'session-put', scope: 'ssh://x', username: 'u', secret: 's' }), { ok: false, error: /only http/ })
  t.match(await d.ask({ op: 'session-put', scope: 'gitlab.com', username: 'u', secret: 's', expiresAt: Date.now() - 1 }), { ok: false, error: /expired/ })
})
