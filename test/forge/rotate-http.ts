// The rotation POST (src/forge/rotate-http.ts): whether a failed request
// had left this machine decides between "nothing happened" and "unknown".
import t from 'tap'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { httpPost, PostFailure } from '../../src/forge/rotate-http.js'

async function server(handler: http.RequestListener): Promise<{ url: URL; close: () => Promise<void> }> {
  const s = http.createServer(handler)
  await new Promise<void>(r => s.listen(0, '127.0.0.1', () => r()))
  const url = new URL(`http://127.0.0.1:${(s.address() as AddressInfo).port}/rotate`)
  return { url, close: () => new Promise(r => (s.closeAllConnections(), s.close(() => r()))) }
}

t.test('posts the form and reads the answer', async t => {
  let got = ''
  let type = ''
  const s = await server((req, res) => {
    type = req.headers['content-type'] ?? ''
    req.on('data', c => (got += c))
    req.on('end', () => res.end('{"ok":true}'))
  })
  t.teardown(s.close)
  const a = await httpPost(s.url, { 'PRIVATE-TOKEN': 'x' }, { expires_at: '2027-01-31' }, 2000)
  t.equal(a.status, 200)
  t.equal(a.body, '{"ok":true}')
  t.equal(got, 'expires_at=2027-01-31')
  t.equal(type, 'application/x-www-form-urlencoded')
})

t.test('a connection refused: not sent', async t => {
  const s = await server(() => {})
  const url = s.url
  await s.close()
  const e = await httpPost(url, {}, {}, 2000).catch((e: unknown) => e)
  t.ok(e instanceof PostFailure)
  t.equal((e as PostFailure).sent, false, 'nothing reached the forge')
})

t.test('the connection dropped after the request was read: sent', async t => {
  const s = await server(req => {
    req.resume()
    req.on('end', () => req.socket.destroy())
  })
  t.teardown(s.close)
  const e = await httpPost(s.url, {}, { expires_at: '2027-01-31' }, 2000).catch((e: unknown) => e)
  t.ok(e instanceof PostFailure)
  t.equal((e as PostFailure).sent, true, 'the forge may have acted')
})

t.test('no answer within the deadline: sent', async t => {
  const s = await server(req => req.resume())
  t.teardown(s.close)
  const e = await httpPost(s.url, {}, {}, 200).catch((e: unknown) => e)
  t.equal((e as PostFailure).sent, true)
  t.equal(((e as PostFailure).cause as NodeJS.ErrnoException).code, 'ETIMEOUT')
})

t.test('an answer cut off in its body: sent', async t => {
  const s = await server((req, res) => {
    req.resume()
    res.writeHead(200, { 'Content-Length': '100' })
    res.write('{"token":"glp')
    setTimeout(() => res.socket?.destroy(), 20)
  })
  t.teardown(s.close)
  const e = await httpPost(s.url, {}, {}, 2000).catch((e: unknown) => e)
  t.ok(e instanceof PostFailure, 'not taken as an answer')
  t.equal((e as PostFailure).sent, true)
})
