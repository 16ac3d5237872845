// The bounded request (src/forge/http.ts): no redirect followed, no
// userinfo sent, the body capped, and failures in words.
import t from 'tap'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { httpGet, networkReason } from '../../src/forge/http.js'

t.test('httpGet', async t => {
  const seen: IncomingMessage[] = []
  const server = createServer((req, res) => {
    seen.push(req)
    if (req.url === '/redirect') res.writeHead(302, { Location: '/elsewhere' }).end()
    else if (req.url === '/big') res.end(Buffer.alloc((1 << 20) + 1, 'a'))
    else res.end('{"ok":true}')
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  t.teardown(() => server.close())
  const base = `http://user:pw@127.0.0.1:${(server.address() as AddressInfo).port}`

  const ok = await httpGet(new URL(`${base}/x`), { 'X-Test': '1' }, 5000)
  t.match(ok, { status: 200, body: '{"ok":true}' })
  t.equal(seen.at(-1)?.headers['x-test'], '1')
  t.equal(seen.at(-1)?.headers.authorization, undefined, 'userinfo is not sent')

  const moved = await httpGet(new URL(`${base}/redirect`), {}, 5000)
  t.equal(moved.status, 302, 'a redirect is an answer, not followed')
  t.equal(seen.length, 2)

  await t.rejects(httpGet(new URL(`${base}/big`), {}, 5000), { code: 'ETOOBIG' })
})

t.test('networkReason', async t => {
  const e = (code: string) => Object.assign(new Error('x'), { code })
  t.equal(networkReason(e('ETIMEOUT'), 1500), 'no answer within 1.5 s (git config credential.pat.checkTimeout; default 5s)')
  t.equal(networkReason(e('ECONNREFUSED'), 0), 'connection refused')
  t.equal(networkReason(e('EAI_AGAIN'), 0), 'host name not found')
  t.equal(networkReason(e('EPIPE'), 0), 'the connection was cut')
  t.equal(networkReason(e('ENETUNREACH'), 0), 'network unreachable')
  t.match(networkReason(e('DEPTH_ZERO_SELF_SIGNED_CERT'), 0), /^TLS certificate not trusted .*NODE_EXTRA_CA_CERTS/)
  t.equal(networkReason(e('ETOOBIG'), 0), 'the answer is over 1 MiB')
  t.equal(networkReason(new Error('first\nsecond'), 0), 'first')
})
