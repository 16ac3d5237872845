// `store` (src/git/store.ts): the I/O around store's decision: a typed
// answer settled, the last use written (at most once a minute), a withheld
// token left alone, a new credential saved with its secret, under the lock.
import t from 'tap'
import { statSync } from 'node:fs'
import { store } from '../../src/git/store.js'
import { parseCredential } from '../../src/core/protocol.js'
import { readMetadata } from '../../src/state/tokens.js'
import { takeNotes } from '../../src/log/log.js'
import { addPending } from '../../src/state/pending.js'
import { statePaths } from '../../src/state/paths.js'
import { getSecret } from '../../src/state/sources/keychain.js'
import { refreshAccount } from '../../src/state/sources/index.js'
import { tokenRecord } from '../lib/token.js'
import { captured, home } from './lib/home.js'
import { useTestKeychain } from '../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

const NOW = new Date('2026-11-30T12:00:00Z')
const sent = (secret: string, extra = '') => parseCredential(`protocol=https\nhost=gitlab.example.com\nusername=oauth2\npassword=${secret}\n${extra}\n`)

t.test('ours: the last use is written, then not again within the minute (the file untouched)', async t => {
  const h = home(t, 'used')
  h.write([tokenRecord({ name: 'host', scope: 'gitlab.example.com', source: 'env:HOST_TOKEN' })])
  const env = { ...h.env, HOST_TOKEN: 'glpat-host' }
  takeNotes()
  await store(sent('glpat-host'), { env, now: NOW })
  t.equal(readMetadata(h.metadata).tokens[0].lastUsed, NOW.toISOString())
  t.match(takeNotes(), { outcome: 'used', name: 'host' })
  const before = statSync(h.metadata)
  await store(sent('glpat-host'), { env, now: new Date(NOW.getTime() + 30_000) })
  t.equal(statSync(h.metadata).ino, before.ino, 'fresh: not written again')
  await store(sent('glpat-host'), { env, now: new Date(NOW.getTime() + 90_000) })
  t.equal(readMetadata(h.metadata).tokens[0].lastUsed, new Date(NOW.getTime() + 90_000).toISOString(), 'a minute on: written')
})

t.test('a token we withheld is left as it is, not saved again', async t => {
  const h = home(t, 'dead')
  h.write([tokenRecord({ name: 'off', scope: 'gitlab.example.com', source: 'env:OFF', state: 'disabled' })])
  takeNotes()
  await store(sent('glpat-off'), { env: { ...h.env, OFF: 'glpat-off' }, now: NOW })
  t.same(
    readMetadata(h.metadata).tokens.map(x => [x.name, x.state]),
    [['off', 'disabled']],
  )
  t.match(takeNotes(), { outcome: 'kept-dead', name: 'off' })
})

t.test('a new credential is saved with its secret, expiry and refresh token; saved again in place', async t => {
  const h = home(t, 'save')
  h.write([])
  const expiry = Math.floor(NOW.getTime() / 1000) + 30 * 86400
  await store(sent('glpat-new-1', `password_expiry_utc=${expiry}\noauth_refresh_token=refresh-1\n`), { env: h.env, now: NOW })
  const [rec] = readMetadata(h.metadata).tokens
  t.match(rec, { name: 'gitlab.example.com-oauth2', scope: 'gitlab.example.com', origin: 'store', source: 'keychain', hasRefreshToken: true })
  t.equal(rec.expires, new Date(expiry * 1000).toISOString())
  t.equal(await getSecret(rec.name), 'glpat-new-1')
  t.equal(await getSecret(refreshAccount(rec.name)), 'refresh-1')
  await store(sent('glpat-new-2'), { env: h.env, now: NOW })
  const after = readMetadata(h.metadata).tokens
  t.equal(after.length, 1, 'the same URL and user: replaced in place')
  t.equal(await getSecret(after[0].name), 'glpat-new-2')
  t.equal(after[0].hasRefreshToken, undefined)
  t.equal(await getSecret(refreshAccount(after[0].name)), null, 'its old refresh token deleted')
})

t.test('nothing saved: ephemeral, not ours to keep, no username', async t => {
  const h = home(t, 'ignored')
  h.write([])
  await store(sent('glpat-e', 'ephemeral=1\n'), { env: h.env, now: NOW })
  await store(parseCredential('protocol=https\nhost=gitlab.example.com\npassword=p\n\n'), { env: h.env, now: NOW })
  t.same(readMetadata(h.metadata).tokens, [])
})

t.test('a forward that did not answer: nothing new is saved (it may be its token), a token of ours is still confirmed', async t => {
  const h = home(t, 'forward-gone')
  h.write([tokenRecord({ name: 'host', scope: 'gitlab.example.com', source: 'env:HOST_TOKEN' })])
  const env = { ...h.env, HOST_TOKEN: 'glpat-host' }
  const gone = '/home/u/.git-credential-pat-forward.sock'
  const r = await captured(() => store(sent('glpat-forwarded-1'), { env, now: NOW, forwardGone: gone }))
  t.same(
    readMetadata(h.metadata).tokens.map(x => x.name),
    ['host'],
    'the unknown credential is not saved',
  )
  t.match(r.stderr, `the forward at ${gone} did not answer; a new credential is not saved on this machine`)
  t.notMatch(r.stderr, 'glpat-forwarded-1', 'never the secret')
  await store(sent('glpat-host'), { env, now: NOW, forwardGone: gone })
  t.equal(readMetadata(h.metadata).tokens[0].lastUsed, NOW.toISOString(), "this machine's own token: its last use written")
  await store(sent('glpat-forwarded-1'), { env, now: NOW })
  t.equal(readMetadata(h.metadata).tokens.length, 2, 'with no forward asked, the same store saves it (the test can fail)')
})

t.test('a typed answer git confirms is settled as the user chose, and nothing else', async t => {
  const h = home(t, 'pending')
  h.write([])
  addPending(
    statePaths(h.env).pending,
    {
      created: NOW.toISOString(),
      protocol: 'https',
      host: 'gitlab.example.com',
      username: 'oauth2',
      password: 'glpat-typed',
      choice: 'none',
      expires: null,
      provider: 'gitlab',
      name: 'typed',
      url: 'https://gitlab.example.com',
    },
    NOW,
  )
  takeNotes()
  const r = await captured(() => store(sent('glpat-typed'), { env: h.env, now: NOW }))
  t.equal(r.stderr, '')
  t.match(takeNotes(), { outcome: 'prompt-settled' })
  t.same(readMetadata(h.metadata).tokens, [], '"not at all": not saved, not even by store')
  await store(sent('glpat-other'), { env: h.env, now: NOW })
  t.equal(readMetadata(h.metadata).tokens.length, 1, 'another credential: saved as usual')
})
