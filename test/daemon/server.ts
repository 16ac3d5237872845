// The daemon in-process: cache keyed by name and record stamp, timeouts,
// forget, session-only tokens, idle exit, and malformed input answered with
// an error instead of a crash (src/daemon/server.ts).
import t from 'tap'
import { chmodSync, chownSync, mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { startDaemon } from '../../src/daemon/server.js'
import { FrameReader, type Reply } from '../../src/daemon/protocol.js'
import { runtimePaths, type RuntimePaths } from '../../src/daemon/runtime.js'
import { authenticated, testDaemon, tempHome } from './lib/in-process.js'

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

t.test("a cacheTimeout beyond setTimeout's range neither fires at once nor breaks", async t => {
  const d = await testDaemon(t, { cacheTimeoutMs: 2 ** 33 })
  await d.ask({ op: 'put', name: 'gl', stamp: 's', secret: 'long' })
  await sleep(20)
  t.same(await d.ask({ op: 'get', name: 'gl', stamp: 's' }), { ok: true, secret: 'long' })
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

/** After the handshake, send raw bytes; collect the replies until the daemon closes or `wait` ms pass. */
async function raw(paths: RuntimePaths, bytes: Buffer, wait = 300): Promise<{ replies: unknown[]; closed: boolean }> {
  const s = await authenticated(paths)
  return new Promise(res => {
    const reader = new FrameReader()
    const replies: unknown[] = []
    let closed = false
    s.on('data', c => replies.push(...reader.push(c)))
    s.on('error', () => {})
    s.on('close', () => {
      closed = true
      res({ replies, closed })
    })
    s.write(bytes)
    setTimeout(() => {
      s.destroy()
      res({ replies, closed })
    }, wait)
  })
}

t.test('malformed requests get an error reply and the daemon carries on', async t => {
  const d = await testDaemon(t)
  const frame = (text: string) => {
    const body = Buffer.from(text)
    const head = Buffer.alloc(4)
    head.writeUInt32BE(body.length)
    return Buffer.concat([head, body])
  }
  let r = await raw(d.paths, frame('{"op": "get", '))
  t.match(r.replies, [{ ok: false, error: /not valid JSON/ }])
  r = await raw(d.paths, Buffer.concat([frame('[1,2]'), frame('"str"'), frame('{"op":"nope"}'), frame('{"op":"put","name":"a"}')]))
  t.match(r.replies, [{ ok: false }, { ok: false }, { ok: false, error: /unknown operation/ }, { ok: false, error: /put needs/ }])
  const huge = Buffer.alloc(4)
  huge.writeUInt32BE(0xffffffff)
  r = await raw(d.paths, huge)
  t.match(r.replies, [{ ok: false, error: /over the .* limit/ }])
  t.equal(r.closed, true, 'an oversized request ends the connection')
  r = await raw(d.paths, Buffer.from([0, 0, 1]), 100) // half a header, then hang up
  t.same(r.replies, [])
  r = await raw(d.paths, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))
  t.match(r.replies, [{ ok: false }], 'an HTTP request reads as an oversized frame')
  t.same(await d.ask({ op: 'ping' }), { ok: true }, 'still answering')
})

t.test('exits when idle with nothing held, not before', async t => {
  const d = await testDaemon(t, { idleMs: 200, cacheTimeoutMs: 400 })
  await d.ask({ op: 'put', name: 'a', stamp: 's', secret: 'x' })
  const t0 = Date.now()
  const reason = await d.handle.closed
  t.equal(reason, 'idle')
  t.ok(Date.now() - t0 >= 350, 'waited for the cached secret to expire')
  await t.rejects(d.ask({ op: 'ping' }), 'socket gone')
})

t.test('a second daemon on the same socket stands down', async t => {
  const d = await testDaemon(t)
  t.equal(await startDaemon({ paths: d.paths, cacheTimeoutMs: 1000, idleMs: 0 }), null)
  t.same(await d.ask({ op: 'ping' }), { ok: true })
})

t.test('stop, and a removed socket, end the daemon', async t => {
  const d = await testDaemon(t)
  t.same(await d.ask({ op: 'stop' }), { ok: true })
  t.equal(await d.handle.closed, 'stop requested')
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

t.test('an unsafe directory or socket path is refused', async t => {
  const { dir, env } = tempHome('unsafe')
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const paths = runtimePaths(env)
  mkdirSync(paths.dir, { recursive: true, mode: 0o755 })
  chmodSync(paths.dir, 0o755)
  const start = () => startDaemon({ paths, cacheTimeoutMs: 1000, idleMs: 0 })
  await t.rejects(start(), { code: 'DAEMON', message: /open to other users \(mode 755\).*chmod 700/ })
  chmodSync(paths.dir, 0o700)
  chownSync(paths.dir, 65534, 65534)
  await t.rejects(start(), { code: 'DAEMON', message: /owned by uid 65534/ })
  chownSync(paths.dir, process.getuid!(), process.getgid!())
  writeFileSync(paths.socket, '')
  await t.rejects(start(), { code: 'DAEMON', message: /not a socket/ })
})

t.test('replies never carry more than asked', async t => {
  const d = await testDaemon(t)
  await d.ask({ op: 'put', name: 'a', stamp: 's', secret: 'glpat-hidden' })
  const st = (await d.ask({ op: 'status' })) as Reply & { status: object }
  t.notMatch(JSON.stringify(st), /glpat-hidden/, 'status shows counts, not secrets')
  t.match(st, { ok: true, status: { cached: 1, sessions: 0, pid: process.pid } })
})
