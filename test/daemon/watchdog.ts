// The watchdog: a socket removed or opened to others ends the daemon,
// dropping everything (src/daemon/watchdog.ts).
import t from 'tap'
import { chmodSync, unlinkSync } from 'node:fs'
import { testDaemon } from './lib/in-process.js'

t.test('a removed socket ends the daemon', async t => {
  const e = await testDaemon(t, { watchdogMs: 50 })
  unlinkSync(e.paths.socket)
  t.equal(await e.handle.closed, 'socket removed')
})

t.test('a socket or directory opened to others makes the daemon drop everything and exit', async t => {
  const d = await testDaemon(t, { watchdogMs: 50 })
  await d.ask({ op: 'put', name: 'a', stamp: 's', secret: 'x' })
  chmodSync(d.paths.socket, 0o666)
  t.match(await d.handle.closed, /open to other users/)
  t.equal(d.handle.status().cached, 0)
  const e = await testDaemon(t, { watchdogMs: 50 })
  chmodSync(e.paths.dir, 0o711)
  t.match(await e.handle.closed, /open to other users \(mode 711\)/)
})
