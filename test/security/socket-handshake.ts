// The handshake on every daemon connection (src/daemon/client/handshake.ts):
// a peer that does not know the key in daemon.key gets nothing from the
// daemon, and a client trusts no daemon that cannot prove it knows it; the
// key file itself is refused when it is not ours, 0600, and a regular file.
import t from 'tap'
import { needsRoot } from '../lib/root.js'
import net from 'node:net'
import { chmodSync, chownSync, copyFileSync, readFileSync, renameSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { DaemonClient, forgetKeyCache, request } from '../../src/daemon/client/client.js'
import { FrameReader, encodeFrame } from '../../src/daemon/client/protocol.js'
import { proofOf } from '../../src/daemon/client/handshake.js'
import { startDaemon } from '../../src/daemon/server.js'
import { testDaemon } from '../daemon/lib/in-process.js'
import { testContext } from '../lib/context.js'

const SECRET = 'handshake-secret-0001'

/** A raw connection: send frames, collect replies until closed or `wait` ms. */
function conversation(socket: string) {
  const s = net.createConnection(socket)
  const reader = new FrameReader()
  const replies: unknown[] = []
  let closed = false
  const waiters: Array<() => void> = []
  const wake = () => waiters.splice(0).forEach(w => w())
  s.on('data', c => {
    replies.push(...reader.push(c))
    wake()
  })
  s.on('error', () => {})
  s.on('close', () => {
    closed = true
    wake()
  })
  return {
    send: (m: unknown) => s.write(encodeFrame(m)),
    replies,
    get closed() {
      return closed
    },
    /** Until n replies arrived or the peer closed (bounded). */
    async until(n: number, ms = 3000) {
      const deadline = Date.now() + ms
      while (replies.length < n && !closed && Date.now() < deadline) {
        await new Promise<void>(r => {
          waiters.push(r)
          setTimeout(r, 50)
        })
      }
    },
    end: () => s.destroy(),
  }
}

const b64 = (b: Buffer) => b.toString('base64')

t.test('a peer without the key gets no secret and no answer', async t => {
  const d = await testDaemon(t, {}, 'hs')
  t.same(await d.ask({ op: 'put', name: 'a', stamp: 's', secret: SECRET }), { ok: true })
  t.same(await d.ask({ op: 'get', name: 'a', stamp: 's' }), { ok: true, secret: SECRET }, 'a client with the key is served')

  // 1. A request straight away: closed, unanswered.
  let c = conversation(d.paths.socket)
  c.send({ op: 'get', name: 'a', stamp: 's' })
  await c.until(1)
  t.same(c.replies, [], 'no reply to a request without a handshake')
  t.equal(c.closed, true, 'and the connection is closed')

  // 2. A hello, then a guessed proof and a request: the daemon's proof comes, then nothing.
  c = conversation(d.paths.socket)
  const cn = randomBytes(32)
  c.send({ op: 'hello', nonce: b64(cn) })
  await c.until(1)
  t.match(c.replies, [{ hello: 'git-credential-pat', nonce: String, proof: String }])
  t.notOk(JSON.stringify(c.replies).includes(SECRET))
  c.send({ op: 'auth', proof: b64(randomBytes(32)) })
  c.send({ op: 'get', name: 'a', stamp: 's' })
  c.send({ op: 'status' })
  await c.until(2)
  t.equal(c.replies.length, 1, 'nothing after a wrong proof')
  t.equal(c.closed, true)

  // 3. A recorded good exchange cannot be replayed: the daemon's nonce is new.
  const key = readFileSync(d.paths.key)
  c = conversation(d.paths.socket)
  c.send({ op: 'hello', nonce: b64(cn) })
  await c.until(1)
  const sn = Buffer.from((c.replies[0] as { nonce: string }).nonce, 'base64')
  const recorded = b64(proofOf(key, 'client', cn, sn))
  c.send({ op: 'auth', proof: recorded })
  c.send({ op: 'get', name: 'a', stamp: 's' })
  await c.until(2)
  t.match(c.replies[1], { ok: true, secret: SECRET }, 'the genuine exchange is served')
  c.end()
  const replay = conversation(d.paths.socket)
  replay.send({ op: 'hello', nonce: b64(cn) })
  await replay.until(1)
  replay.send({ op: 'auth', proof: recorded })
  replay.send({ op: 'get', name: 'a', stamp: 's' })
  await replay.until(2)
  t.equal(replay.replies.length, 1, 'the replayed proof gets nothing')
  t.equal(replay.closed, true)

  // 4. Malformed hellos: closed.
  for (const hello of [{ op: 'hello' }, { op: 'hello', nonce: 'short' }, { op: 'auth', proof: 'x' }, 'hello']) {
    c = conversation(d.paths.socket)
    c.send(hello)
    await c.until(1)
    t.same(c.replies, [], `nothing for ${JSON.stringify(hello)}`)
    t.equal(c.closed, true)
  }
  t.same(await d.ask({ op: 'get', name: 'a', stamp: 's' }), { ok: true, secret: SECRET }, 'the daemon carries on')
})

t.test('a listener that does not know the key gets no request and is not believed', async t => {
  const d = await testDaemon(t, {}, 'hs-imp')
  // Another key than the daemon's: the client believes the file, the listener cannot prove it.
  const { paths } = d
  d.handle.close('replaced by an impostor')
  const got: Buffer[] = []
  const impostor = net.createServer(s => {
    s.on('data', b => {
      got.push(b)
      s.write(encodeFrame({ hello: 'git-credential-pat', nonce: b64(randomBytes(32)), proof: b64(randomBytes(32)), ok: true, secret: 'INJECTED' }))
    })
  })
  await new Promise<void>(r => impostor.listen(paths.socket, r))
  chmodSync(paths.socket, 0o600)
  t.teardown(() => impostor.close())
  await t.rejects(request(paths, { op: 'put', name: 'a', stamp: 's', secret: SECRET }, 2000), {
    why: 'unsafe',
    message: /did not prove it is your git-credential-pat daemon/,
  })
  const c = new DaemonClient(d.env)
  t.equal(await c.call({ op: 'get', name: 'a', stamp: 's' }), null, 'no answer taken from it')
  t.equal(c.lastFailure, 'unsafe')
  t.match(c.refusal, /did not prove/)
  await t.rejects(new DaemonClient(d.env).call({ op: 'ping' }, { strict: true }), { code: 'DAEMON', message: /did not prove/ })
  const seen = Buffer.concat(got).toString()
  t.notOk(seen.includes(SECRET), 'the secret never reached it')
  t.notMatch(seen, /"op":"(put|get)"/, 'no request reached it, only hellos')
  t.match(seen, /"op":"hello"/)
})

t.test('the key file: made by each daemon, 0600, ours; anything else is refused', async t => {
  const d = await testDaemon(t, { watchdogMs: 3_600_000 }, 'hs-key')
  const st = statSync(d.paths.key)
  t.equal(st.mode & 0o777, 0o600)
  t.equal(st.size, 32)
  t.equal(st.uid, process.getuid!())
  // As a fresh process would: read the key file each time.
  const ask = () => {
    forgetKeyCache()
    return new DaemonClient(d.env).call({ op: 'ping' }, { strict: true })
  }
  t.same(await ask(), { ok: true })

  if (!needsRoot(t, 'a key file of another uid')) {
    chownSync(d.paths.key, 65534, 65534)
    await t.rejects(ask(), { code: 'DAEMON', message: /daemon key .* is owned by uid 65534, not you; .*remove/ })
    chownSync(d.paths.key, 0, 0)
  }
  chmodSync(d.paths.key, 0o644)
  await t.rejects(ask(), { code: 'DAEMON', message: /has mode 644, not 600/ })
  chmodSync(d.paths.key, 0o600)
  // A symbolic link to a perfectly good copy is still refused: it is not opened through.
  const copy = `${d.paths.key}.copy`
  copyFileSync(d.paths.key, copy)
  chmodSync(copy, 0o600)
  renameSync(d.paths.key, `${d.paths.key}.orig`)
  symlinkSync(copy, d.paths.key)
  await t.rejects(ask(), { code: 'DAEMON', message: /symbolic link/ })
  unlinkSync(d.paths.key)
  writeFileSync(d.paths.key, randomBytes(32), { mode: 0o600 })
  await t.rejects(ask(), { code: 'DAEMON', message: /did not prove/ }, 'a wrong key: the real daemon cannot prove it either')
  renameSync(`${d.paths.key}.orig`, d.paths.key)
  t.same(await ask(), { ok: true })
  unlinkSync(d.paths.key)
  forgetKeyCache()
  const c = new DaemonClient(d.env)
  t.equal(await c.call({ op: 'ping' }), null)
  t.equal(c.lastFailure, 'absent', 'no key: as if no daemon (one is started, with a new key)')
})

t.test('one process keeps working across a daemon restart (new key)', async t => {
  const d = await testDaemon(t, {}, 'hs-restart')
  const c = new DaemonClient(d.env)
  t.same(await c.call({ op: 'ping' }), { ok: true })
  const old = readFileSync(d.paths.key)
  d.handle.close('restart')
  await d.handle.closed
  const again = await startDaemon({ ctx: testContext(), paths: d.paths, cacheTimeoutMs: 1000, idleMs: 0 })
  t.ok(again)
  t.teardown(() => again?.close('test over'))
  t.notSame(readFileSync(d.paths.key), old, 'a new daemon, a new key')
  t.same(await new DaemonClient(d.env).call({ op: 'ping' }), { ok: true }, 'a client of this process that read the old key still gets in')
})
