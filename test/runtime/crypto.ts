// The handshake's primitives (src/core/crypto.ts) against node:crypto's.
import t from 'tap'
import { createHmac } from 'node:crypto'
import { equalBytes, hmacSha256, randomBytes } from '../../src/runtime/crypto.js'

t.test('randomBytes: the length asked for, and not the same twice', async t => {
  const a = randomBytes(32)
  t.equal(a.length, 32)
  t.ok(Buffer.isBuffer(a))
  t.notSame(a, randomBytes(32))
  t.equal(randomBytes(0).length, 0)
})

t.test('hmacSha256: node:crypto’s HMAC, over parts as over their concatenation', async t => {
  const key = Buffer.from('a key of the daemon')
  const want = createHmac('sha256', key).update('hello, ').update(Buffer.from('world')).digest()
  t.same(hmacSha256(key, 'hello, ', Buffer.from('world')), want)
  t.same(hmacSha256(key, 'hello, world'), want)
  t.notSame(hmacSha256(Buffer.from('another key'), 'hello, world'), want)
})

t.test('equalBytes: equal only for the same bytes of the same length', async t => {
  t.ok(equalBytes(Buffer.from('abc'), Buffer.from('abc')))
  t.notOk(equalBytes(Buffer.from('abc'), Buffer.from('abd')))
  t.notOk(equalBytes(Buffer.from('abc'), Buffer.from('abcd')))
  t.ok(equalBytes(new Uint8Array(0), new Uint8Array(0)))
})
