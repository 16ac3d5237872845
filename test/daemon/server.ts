// Starting the daemon: one per socket, and an unsafe directory or socket
// refused (src/daemon/server.ts).
import t from 'tap'
import { needsRoot } from '../lib/root.js'
import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { startDaemon } from '../../src/daemon/server.js'
import { runtimePaths } from '../../src/daemon/client/runtime.js'
import { tempHome, testDaemon } from './lib/in-process.js'
import { testContext } from '../lib/context.js'

t.test('a second daemon on the same socket stands down', async t => {
  const d = await testDaemon(t)
  t.equal(await startDaemon({ ctx: testContext(), paths: d.paths, cacheTimeoutMs: 1000, idleMs: 0 }), null)
  t.same(await d.ask({ op: 'ping' }), { ok: true })
})

t.test('an unsafe directory or socket path is refused', async t => {
  const { dir, env } = tempHome('unsafe')
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const paths = runtimePaths(env)
  mkdirSync(paths.dir, { recursive: true, mode: 0o755 })
  chmodSync(paths.dir, 0o755)
  const start = () => startDaemon({ ctx: testContext(), paths, cacheTimeoutMs: 1000, idleMs: 0 })
  await t.rejects(start(), { code: 'DAEMON', message: /open to other users \(mode 755\).*chmod 700/ })
  chmodSync(paths.dir, 0o700)
  if (!needsRoot(t, 'a directory of another uid')) {
    chownSync(paths.dir, 65534, 65534)
    await t.rejects(start(), { code: 'DAEMON', message: /owned by uid 65534/ })
    chownSync(paths.dir, process.getuid!(), process.getgid!())
  }
  writeFileSync(paths.socket, '')
  await t.rejects(start(), { code: 'DAEMON', message: /not a socket/ })
})
