// The daemon's frames: length-prefixed JSON, bounded, and every malformed
// message is reported, never thrown past the reader (src/daemon/protocol.ts).
import t from 'tap'
import { FrameError, FrameReader, MAX_FRAME, encodeFrame, invalidRequest } from '../../../src/daemon/client/protocol.js'

t.test('a frame round-trips, whole or a byte at a time', async t => {
  const msg = { op: 'put', name: 'gl', stamp: '{}', secret: 'glpat-xyz' }
  const frame = encodeFrame(msg)
  t.equal(frame.readUInt32BE(0), frame.length - 4)
  t.same(new FrameReader().push(frame), [msg])
  const r = new FrameReader()
  const got: unknown[] = []
  for (const b of frame) got.push(...r.push(Buffer.from([b])))
  t.same(got, [msg])
  t.equal(r.pending, 0)
})

t.test('two frames in one chunk, and a split one', async t => {
  const a = encodeFrame({ op: 'ping' })
  const b = encodeFrame({ op: 'status' })
  const both = Buffer.concat([a, b])
  const r = new FrameReader()
  t.same(r.push(both.subarray(0, a.length + 3)), [{ op: 'ping' }])
  t.same(r.push(both.subarray(a.length + 3)), [{ op: 'status' }])
})

t.test('a frame that is not JSON is a FrameError in the stream', async t => {
  const body = Buffer.from('{not json', 'utf8')
  const head = Buffer.alloc(4)
  head.writeUInt32BE(body.length)
  const out = new FrameReader().push(Buffer.concat([head, body, encodeFrame({ op: 'ping' })]))
  t.equal(out.length, 2)
  t.type(out[0], FrameError)
  t.same(out[1], { op: 'ping' })
})

t.test('an oversized frame is refused from its header alone', async t => {
  const head = Buffer.alloc(4)
  head.writeUInt32BE(MAX_FRAME + 1)
  t.throws(() => new FrameReader().push(head), { name: 'FrameError', message: /131073 bytes is over/ })
  t.throws(() => encodeFrame({ secret: 'x'.repeat(MAX_FRAME) }), { name: 'FrameError' })
})

t.test('frames before an oversized header are delivered, then the reader is broken', async t => {
  const head = Buffer.alloc(4)
  head.writeUInt32BE(MAX_FRAME + 1)
  const r = new FrameReader()
  t.same(r.push(Buffer.concat([encodeFrame({ op: 'auth' }), encodeFrame({ op: 'ping' }), head])), [{ op: 'auth' }, { op: 'ping' }])
  t.match(r.broken, { name: 'FrameError', message: /over the/ })
  t.throws(() => r.push(encodeFrame({ op: 'ping' })), { name: 'FrameError' }, 'nothing after it is read')
})

t.test('request shapes', async t => {
  t.equal(invalidRequest({ op: 'ping' }), null)
  t.equal(invalidRequest({ op: 'get', name: 'a', stamp: 's' }), null)
  t.equal(invalidRequest({ op: 'put', name: 'a', stamp: 's', secret: 'x', since: 1 }), null)
  t.equal(invalidRequest({ op: 'session-put', scope: 'h', username: 'u', secret: 'x', expiresAt: 5 }), null)
  t.equal(invalidRequest({ op: 'session-get', host: 'h' }), null)
  t.match(invalidRequest(null), /not an object/)
  t.match(invalidRequest([]), /not an object/)
  t.match(invalidRequest({}), /no op/)
  t.match(invalidRequest({ op: 'explode' }), /unknown operation 'explode'/)
  t.match(invalidRequest({ op: 'get', name: 1, stamp: 's' }), /get needs/)
  t.match(invalidRequest({ op: 'put', name: 'a', stamp: 's' }), /put needs/)
  t.match(invalidRequest({ op: 'session-put', scope: 'h', username: 'u', secret: '' }), /session-put needs/)
  t.match(invalidRequest({ op: 'session-get', host: 5 }), /takes/)
  t.match(invalidRequest({ op: 'put', name: 'a', stamp: 's', secret: 'x', since: 'later' }), /put needs/)
})
