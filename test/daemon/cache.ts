// The secret cache, through an in-process daemon: keyed by name and record
// stamp, cacheTimeout, forget (src/daemon/cache.ts).
import t from 'tap'
import { testDaemon } from './lib/in-process.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

t.test('a cached secret is returned only for the same record stamp', async t => {
  const d = await testDaemon(t)
  t.same(await d.ask({ op: 'get', name: 'gl', stamp: 'v1' }), { ok: true }, 'miss before put')
  t.same(await d.ask({ op: 'put', name: 'gl', stamp: 'v1', secret: 'glpat-one' }), { ok: true })
  t.same(await d.ask({ op: 'get', name: 'gl', stamp: 'v1' }), { ok: true, secret: 'glpat-one' })
  t.equal(d.handle.status().cached, 1)
  t.same(await d.ask({ op: 'get', name: 'gl', stamp: 'v2' }), { ok: true }, 'a changed record misses')
  t.same(await d.ask({ op: 'get', name: 'gl', stamp: 'v1' }), { ok: true }, '… and the stale entry is gone')
  t.equal(d.handle.status().cached, 0)
})

t.test('cacheTimeout drops a secret', async t => {
  const d = await testDaemon(t, { cacheTimeoutMs: 150 })
  await d.ask({ op: 'put', name: 'gl', stamp: 's', secret: 'glpat-short' })
  t.equal((await d.ask({ op: 'get', name: 'gl', stamp: 's' })).ok, true)
  t.same(await d.ask({ op: 'get', name: 'gl', stamp: 's' }), { ok: true, secret: 'glpat-short' })
  await sleep(300)
  t.same(await d.ask({ op: 'get', name: 'gl', stamp: 's' }), { ok: true }, 'gone after the timeout')
  t.equal(d.handle.status().cached, 0)
})

t.test('cacheTimeout 0 caches nothing', async t => {
  const d = await testDaemon(t, { cacheTimeoutMs: 0 })
  await d.ask({ op: 'put', name: 'gl', stamp: 's', secret: 'x' })
  t.same(await d.ask({ op: 'get', name: 'gl', stamp: 's' }), { ok: true })
})

t.test('forget drops one token (with its refresh token) or all, and refuses older puts', async t => {
  const d = await testDaemon(t)
  await d.ask({ op: 'put', name: 'a', stamp: 's', secret: 'A' })
  await d.ask({ op: 'put', name: 'a#oauth_refresh_token', stamp: 's', secret: 'R' })
  await d.ask({ op: 'put', name: 'b', stamp: 's', secret: 'B' })
  const before = Date.now() - 5
  await d.ask({ op: 'forget', name: 'a' })
  t.same(await d.ask({ op: 'get', name: 'a', stamp: 's' }), { ok: true })
  t.same(await d.ask({ op: 'get', name: 'a#oauth_refresh_token', stamp: 's' }), { ok: true })
  t.same(await d.ask({ op: 'get', name: 'b', stamp: 's' }), { ok: true, secret: 'B' })
  // A get that began reading before the forget (rotate) may hold the old secret.
  await d.ask({ op: 'put', name: 'a', stamp: 's', secret: 'OLD', since: before })
  t.same(await d.ask({ op: 'get', name: 'a', stamp: 's' }), { ok: true }, 'a put read before the forget is refused')
  await sleep(5)
  await d.ask({ op: 'put', name: 'a', stamp: 's', secret: 'NEW', since: Date.now() })
  t.same(await d.ask({ op: 'get', name: 'a', stamp: 's' }), { ok: true, secret: 'NEW' })
  await d.ask({ op: 'forget' })
  t.equal(d.handle.status().cached, 0)
})
