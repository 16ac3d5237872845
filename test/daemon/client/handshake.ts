// The key handshake's pieces (src/daemon/client/handshake.ts): proofs bound
// to role, key and both nonces; anything malformed is simply false; the key
// file written 0600 and read only when it is a regular 0600 file of ours
// of the right size, never through a symbolic link.
import t from 'tap'
import { chmodSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { KEY_BYTES, NONCE_BYTES, newNonce, nonceFrom, proofOf, readKey, verifyProof, writeKey } from '../../../src/daemon/client/handshake.js'

t.test('a proof holds for its role, key and nonces only', async t => {
  const key = Buffer.alloc(KEY_BYTES, 1)
  const [cn, sn] = [newNonce(), newNonce()]
  t.equal(cn.length, NONCE_BYTES)
  t.not(cn.toString('hex'), sn.toString('hex'), 'fresh nonces')
  const proof = proofOf(key, 'server', cn, sn).toString('base64')
  t.equal(verifyProof(key, 'server', cn, sn, proof), true)
  t.equal(verifyProof(key, 'client', cn, sn, proof), false, 'the other role')
  t.equal(verifyProof(Buffer.alloc(KEY_BYTES, 2), 'server', cn, sn, proof), false, 'another key')
  t.equal(verifyProof(key, 'server', sn, cn, proof), false, 'nonces swapped')
  for (const bad of [undefined, 42, '', 'not base64!', proof.slice(0, -4)]) t.equal(verifyProof(key, 'server', cn, sn, bad), false, `malformed: ${String(bad)}`)
})

t.test('nonceFrom: exactly NONCE_BYTES in canonical base64, else null', async t => {
  const n = newNonce()
  t.same(nonceFrom(n.toString('base64')), n)
  t.equal(nonceFrom(n.subarray(1).toString('base64')), null, 'too short')
  t.equal(nonceFrom(`${n.toString('base64')}AA==`), null, 'too long')
  t.equal(nonceFrom(n.toString('base64').replace(/=*$/, '')), null, 'not canonical')
  t.equal(nonceFrom(7), null)
})

t.test('writeKey and readKey: a fresh 0600 key, and the refusals', async t => {
  const dir = t.testdir()
  const path = join(dir, 'daemon.key')
  t.equal(readKey(path), null, 'no key yet')
  const { key, ino } = writeKey(path)
  t.equal(statSync(path).mode & 0o777, 0o600)
  t.equal(statSync(path).ino, ino)
  t.same(readKey(path), key)
  t.not(writeKey(path).key.toString('hex'), key.toString('hex'), 'a new key each time')
  const refuse = (name: string, make: (p: string) => void, message: RegExp) => {
    const p = join(dir, name)
    make(p)
    t.throws(() => readKey(p), { code: 'DAEMON', message }, name)
  }
  refuse('link', p => symlinkSync(path, p), /is a symbolic link; refusing to use it/)
  refuse('open', p => (writeFileSync(p, Buffer.alloc(KEY_BYTES)), chmodSync(p, 0o644)), /has mode 644, not 600/)
  refuse('short', p => writeFileSync(p, Buffer.alloc(5), { mode: 0o600 }), /is not a key \(5 bytes\)/)
  t.throws(() => readKey(dir), { code: 'DAEMON', message: /is not a regular file/ }, 'a directory')
})
