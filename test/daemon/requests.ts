// The requests a daemon answers, one reply each (src/daemon/requests.ts).
import t from 'tap'
import type { Reply } from '../../src/daemon/client/protocol.js'
import { testDaemon } from './lib/in-process.js'

t.test('stop ends the daemon', async t => {
  const d = await testDaemon(t)
  t.same(await d.ask({ op: 'stop' }), { ok: true })
  t.equal(await d.handle.closed, 'stop requested')
})

t.test('replies never carry more than asked', async t => {
  const d = await testDaemon(t)
  await d.ask({ op: 'put', name: 'a', stamp: 's', secret: 'glpat-hidden' })
  const st = (await d.ask({ op: 'status' })) as Reply & { status: object }
  t.notMatch(JSON.stringify(st), /glpat-hidden/, 'status shows counts, not secrets')
  t.match(st, { ok: true, status: { cached: 1, sessions: 0, pid: process.pid } })
})

t.test('each operation gets its reply', async t => {
  const d = await testDaemon(t)
  t.same(await d.ask({ op: 'ping' }), { ok: true })
  t.same(await d.ask({ op: 'put', name: 'a', stamp: 's', secret: 'A' }), { ok: true })
  t.same(await d.ask({ op: 'get', name: 'a', stamp: 's' }), { ok: true, secret: 'A' })
  t.same(await d.ask({ op: 'forget' }), { ok: true })
  t.same(await d.ask({ op: 'get', name: 'a', stamp: 's' }), { ok: true })
  t.same(await d.ask({ op: 'session-put', scope: 'gitlab.com', username: 'u', secret: 'S' }), { ok: true })
  t.match(await d.ask({ op: 'session-get', protocol: 'https', host: 'gitlab.com' }), { ok: true, session: { secret: 'S' } })
  t.same(await d.ask({ op: 'session-drop', protocol: 'https', host: 'gitlab.com' }), { ok: true, dropped: 1 })
  t.same(await d.ask({ op: 'session-get', protocol: 'https', host: 'gitlab.com' }), { ok: true })
})
