// One connection after the handshake: malformed input answered with an
// error instead of a crash, oversized frames end it (src/daemon/connection.ts).
import t from 'tap'
import { FrameReader } from '../../src/daemon/client/protocol.js'
import type { RuntimePaths } from '../../src/daemon/client/runtime.js'
import { authenticated, testDaemon } from './lib/in-process.js'

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
