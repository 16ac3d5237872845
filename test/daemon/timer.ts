// Timers past setTimeout's range (src/daemon/timer.ts), through the cache that uses them.
import t from 'tap'
import { testDaemon } from './lib/in-process.js'

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

t.test("a cacheTimeout beyond setTimeout's range neither fires at once nor breaks", async t => {
  const d = await testDaemon(t, { cacheTimeoutMs: 2 ** 33 })
  await d.ask({ op: 'put', name: 'gl', stamp: 's', secret: 'long' })
  await sleep(20)
  t.same(await d.ask({ op: 'get', name: 'gl', stamp: 's' }), { ok: true, secret: 'long' })
})
