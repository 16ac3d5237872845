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

t.test('the program tick: told once the program is gone, busy or not; never after stop', async t => {
  const { IdleTimer } = await import('../../src/daemon/idle.js')
  let installed = true
  const told: string[] = []
  const timer = new IdleTimer(
    0,
    () => false,
    () => t.fail('not idle'),
    {
      gone: () => (installed ? null : 'its program is gone'),
      onGone: why => told.push(why),
      everyMs: 20,
    },
  )
  await new Promise(r => setTimeout(r, 80))
  t.same(told, [], 'nothing while installed')
  installed = false
  await new Promise(r => setTimeout(r, 80))
  t.same(told, ['its program is gone'], 'told once')
  timer.stop()
  const stopped = new IdleTimer(
    0,
    () => false,
    () => {},
    { gone: () => 'gone', onGone: why => told.push(why), everyMs: 20 },
  )
  stopped.stop()
  await new Promise(r => setTimeout(r, 80))
  t.equal(told.length, 1, 'a stopped timer says nothing')
})
