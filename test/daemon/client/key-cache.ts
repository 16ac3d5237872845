// The daemon's key as a client process keeps it (src/daemon/client/key-cache.ts).
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeKey } from '../../../src/daemon/client/handshake.js'
import { cachedKey, forgetKeyCache } from '../../../src/daemon/client/key-cache.js'

t.test('cachedKey: read once, again when asked fresh, forgotten when gone', async t => {
  const path = join(t.testdir(), 'daemon.key')
  forgetKeyCache()
  t.equal(cachedKey(path), null)
  const first = writeKey(path).key
  t.same(cachedKey(path), first)
  const second = writeKey(path).key
  t.same(cachedKey(path), first, 'cached: the file is not read again')
  t.same(cachedKey(path, true), second, 'fresh: read again')
  t.same(readFileSync(path), second)
  forgetKeyCache()
  t.same(cachedKey(path), second)
})
