// Idle exit: only once nothing is held (src/daemon/idle.ts).
import t from 'tap'
import { testDaemon } from './lib/in-process.js'

t.test('exits when idle with nothing held, not before', async t => {
  const d = await testDaemon(t, { idleMs: 200, cacheTimeoutMs: 400 })
  await d.ask({ op: 'put', name: 'a', stamp: 's', secret: 'x' })
  const t0 = Date.now()
  const reason = await d.handle.closed
  t.equal(reason, 'idle')
  t.ok(Date.now() - t0 >= 350, 'waited for the cached secret to expire')
  await t.rejects(d.ask({ op: 'ping' }), 'socket gone')
})
