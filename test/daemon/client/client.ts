// The client side: every request is bounded, a slow, dead or absent daemon
// yields null (the caller reads the source), an unsafe socket is refused
// (src/daemon/client.ts).
import t from 'tap'
import { needsRoot } from '../../lib/root.js'
import net from 'node:net'
import { chmodSync, chownSync, mkdirSync, rmSync } from 'node:fs'
import { DaemonClient, request } from '../../../src/daemon/client/client.js'
import { runtimePaths } from '../../../src/daemon/client/runtime.js'
import { encodeFrame } from '../../../src/daemon/client/protocol.js'
import { writeKey } from '../../../src/daemon/client/handshake.js'
import { tempHome, testDaemon } from '../lib/in-process.js'

/** How a request failed (DaemonUnavailable.why), or 'answered'. */
const why = (p: Promise<unknown>) =>
  p.then(
    () => 'answered',
    (e: { why?: string }) => e.why,
  )

/** A fake daemon that does `behave` with each connection, on a socket that passes the checks. */
async function fake(t: { teardown(fn: () => void): void }, behave: (s: net.Socket) => void) {
  const { dir, env } = tempHome('fake')
  const paths = runtimePaths(env)
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 })
  const server = net.createServer(behave)
  await new Promise<void>(r => server.listen(paths.socket, r))
  chmodSync(paths.socket, 0o600)
  writeKey(paths.key) // the client finds a key, so it connects; the fake cannot prove it
  t.teardown(() => {
    server.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { env: { ...env, GIT_CREDENTIAL_PAT_DAEMON_TIMEOUT_MS: '150' }, paths }
}

t.test('a daemon that never answers costs one timeout, then none', async t => {
  const f = await fake(t, () => {})
  const c = new DaemonClient(f.env)
  let t0 = Date.now()
  t.equal(await c.call({ op: 'get', name: 'a', stamp: 's' }), null)
  const took = Date.now() - t0
  t.ok(took >= 140 && took < 1000, `timed out after ${took} ms`)
  t.equal(c.lastFailure, 'timeout')
  t0 = Date.now()
  t.equal(await c.call({ op: 'get', name: 'a', stamp: 's' }), null)
  t.ok(Date.now() - t0 < 50, 'the second call does not wait again')
})

t.test('a daemon that dies mid-request, or answers garbage, is not waited for', async t => {
  const dies = await fake(t, s => s.on('data', () => s.destroy()))
  const t0 = Date.now()
  t.equal(await why(request(dies.paths, { op: 'ping' }, 5000)), 'closed')
  t.ok(Date.now() - t0 < 1000)
  const garbage = await fake(t, s => s.on('data', () => s.write(encodeFrame('hello'))))
  t.equal(await why(request(garbage.paths, { op: 'ping' }, 5000)), 'error')
  const c = new DaemonClient(garbage.env)
  t.equal(await c.call({ op: 'ping' }), null)
})

t.test('no daemon: null at once, and the next call may find one', async t => {
  const { dir, env } = tempHome('none')
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const c = new DaemonClient(env)
  const t0 = Date.now()
  t.equal(await c.call({ op: 'ping' }), null)
  t.equal(c.lastFailure, 'absent')
  t.ok(Date.now() - t0 < 50)
  t.equal(await why(request(runtimePaths(env), { op: 'ping' }, 1000)), 'absent')
})

t.test('a real daemon answers through the client', async t => {
  const d = await testDaemon(t)
  const c = new DaemonClient(d.env)
  t.same(await c.call({ op: 'ping' }), { ok: true })
  t.equal(await c.ensureRunning(100), true)
})

t.test('an unsafe socket or directory is refused, reported, and not retried', async t => {
  const d = await testDaemon(t, { watchdogMs: 60_000 })
  chmodSync(d.paths.socket, 0o666)
  const c = new DaemonClient(d.env)
  t.equal(await c.call({ op: 'ping' }), null)
  t.equal(c.lastFailure, 'unsafe')
  t.match(c.refusal, /socket .* is open to other users \(mode 666\)/)
  await t.rejects(new DaemonClient(d.env).call({ op: 'ping' }, { strict: true }), { code: 'DAEMON' })
  chmodSync(d.paths.socket, 0o600)
  if (!needsRoot(t, 'a socket of another uid')) {
    chownSync(d.paths.socket, 65534, 65534)
    await t.rejects(new DaemonClient(d.env).call({ op: 'ping' }, { strict: true }), { message: /owned by uid 65534/ })
    chownSync(d.paths.socket, 0, 0)
  }
  chmodSync(d.paths.dir, 0o750)
  await t.rejects(new DaemonClient(d.env).call({ op: 'ping' }, { strict: true }), { message: /open to other users \(mode 750\)/ })
  chmodSync(d.paths.dir, 0o700)
  t.same(await new DaemonClient(d.env).call({ op: 'ping' }), { ok: true })
})

t.test('credential.pat.daemon values, and whether a process asks the daemon at all', async t => {
  const { daemonAsked, daemonModeOf } = await import('../../../src/daemon/client/client.js')
  for (const v of ['never', 'False', ' no ', 'off', '0']) t.equal(daemonModeOf(v), 'never', v)
  t.equal(daemonModeOf('Always'), 'always')
  for (const v of [undefined, '', 'auto', 'yes', 'true']) t.equal(daemonModeOf(v), 'auto', String(v))
  t.equal(daemonAsked({}), true, 'unset: asked (git config decides only whether to start one)')
  t.equal(daemonAsked({ GIT_CREDENTIAL_PAT_DAEMON: 'always' }), true)
  t.equal(daemonAsked({ GIT_CREDENTIAL_PAT_DAEMON: 'off' }), false)
})
