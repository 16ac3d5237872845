// store's decision (src/core/answer-store.ts), pure: ours (last use, at
// most once a minute), one we withheld (left as it is), or a new token
// scoped to exactly what git sent; typed answers and session tokens first.
import t from 'tap'
import { decideStore, type StoreInput } from '../../src/core/answer-store.js'
import type { Looked } from '../../src/core/answer.js'
import { parseCredential } from '../../src/core/protocol.js'
import type { TokenRecord } from '../../src/core/model.js'
import { tokenRecord } from '../lib/token.js'

const NOW = new Date('2026-11-30T12:00:00Z')
const DAY = 86_400_000
const inDays = (n: number) => new Date(NOW.getTime() + n * DAY).toISOString()
const HOST = 'gitlab.example.com'
const tok = (over: Partial<TokenRecord>) => tokenRecord({ scope: HOST, expires: inDays(90), ...over })
const sent = (secret: string, extra = '') => parseCredential(`protocol=https\nhost=${HOST}\nusername=oauth2\npassword=${secret}\n${extra}\n`)

function input(tokens: TokenRecord[], secrets: Record<string, Looked>, over: Partial<StoreInput> = {}): StoreInput {
  return { cred: sent('S'), tokens, now: NOW, pending: false, session: null, secrets: { secret: x => secrets[x.name], refresh: () => null }, ...over }
}

t.test('ours: the last use is recorded, at most once a minute', async t => {
  const host = tok({ name: 'host' })
  t.same(decideStore(input([host], { host: { secret: 'S' } })), { kind: 'used', token: host, write: true })
  const fresh = tok({ name: 'host', lastUsed: new Date(NOW.getTime() - 30_000).toISOString() })
  t.same(decideStore(input([fresh], { host: { secret: 'S' } })), { kind: 'used', token: fresh, write: false })
  const stale = tok({ name: 'host', lastUsed: new Date(NOW.getTime() - 61_000).toISOString() })
  t.same(decideStore(input([stale], { host: { secret: 'S' } })), { kind: 'used', token: stale, write: true })
})

t.test('what comes first: ephemeral, not http, a typed answer, a session token', async t => {
  t.same(decideStore(input([], {}, { cred: sent('S', 'ephemeral=1\n'), pending: undefined })), { kind: 'ignored', why: 'ephemeral' })
  t.same(decideStore(input([], {}, { cred: parseCredential(`protocol=ssh\nhost=${HOST}\nusername=u\npassword=S\n\n`) })), { kind: 'ignored', why: 'not http' })
  t.same(decideStore(input([], {}, { pending: undefined })), { kind: 'need', need: { kind: 'pending' } })
  t.same(decideStore(input([], {}, { pending: true })), { kind: 'need', need: { kind: 'pending' } })
  t.same(decideStore(input([], {}, { session: undefined })), { kind: 'need', need: { kind: 'session' } })
  const session = { scope: HOST, username: 'oauth2', secret: 'S' }
  t.same(decideStore(input([], {}, { session })), { kind: 'session' })
  t.equal(decideStore(input([], {}, { session: { ...session, secret: 'other' } })).kind, 'save', 'another secret: not the session token')
  t.equal(decideStore(input([], {}, { session: { ...session, username: 'x' } })).kind, 'save', 'another username')
  t.equal(
    decideStore(input([], {}, { cred: parseCredential(`protocol=https\nhost=${HOST}\nusername=u\n\n`), session: undefined })).kind,
    'ignored',
    'no password: no session asked',
  )
})

t.test('nothing to save: no secret, no username, no host, a path that is no scope', async t => {
  const ignored = (text: string) => decideStore(input([], {}, { cred: parseCredential(text) })).kind
  t.equal(ignored(`protocol=https\nhost=${HOST}\nusername=u\n\n`), 'ignored')
  t.equal(ignored(`protocol=https\nhost=${HOST}\npassword=S\n\n`), 'ignored')
  t.equal(ignored('protocol=https\nusername=u\npassword=S\n\n'), 'ignored')
  t.equal(ignored(`protocol=https\nhost=${HOST}\npath=a/../../b\nusername=u\npassword=S\n\n`), 'ignored')
  t.equal(ignored(`protocol=https\nhost=${HOST}\nusername=\npassword=\n\n`), 'save', 'empty username and password are kept (t0303)')
})

t.test('a secret not at hand is asked for; an unreadable one is not ours', async t => {
  const a = tok({ name: 'a', scope: `${HOST}/team/*` })
  const b = tok({ name: 'b' })
  const cred = sent('S', 'path=team/app.git\n')
  t.same(decideStore(input([a, b], {}, { cred })), { kind: 'need', need: { kind: 'secret', token: a } })
  t.same(decideStore(input([a, b], { a: { error: 'locked' }, b: { secret: 'S' } }, { cred })), { kind: 'used', token: b, write: true })
})

t.test('one we withheld (disabled, rejected, expired) whose secret git sends is left as it is', async t => {
  for (const [why, over] of [
    ['disabled', { state: 'disabled' }],
    ['rejected', { state: 'rejected' }],
    ['expired', { expires: inDays(-1) }],
  ] as const) {
    const dead = tok({ name: 'dead', ...over })
    t.same(decideStore(input([dead], { dead: { secret: 'S' } })), { kind: 'kept-dead', token: dead, why }, why)
    t.same(decideStore(input([dead], {})), { kind: 'need', need: { kind: 'secret', token: dead } }, `${why}: its secret is needed to tell`)
  }
  const elsewhere = tok({ name: 'dead', scope: 'other.example.com', state: 'disabled' })
  t.equal(decideStore(input([elsewhere], { dead: { secret: 'S' } })).kind, 'save', 'another host: a new credential')
  const storedDead = tok({ name: 'gitlab.example.com-oauth2', origin: 'store', state: 'rejected' })
  t.match(
    decideStore(input([storedDead], { [storedDead.name]: { secret: 'S' } })),
    { kind: 'save', fresh: false },
    'what store saved for this URL is overwritten, not kept dead',
  )
})

t.test('a new credential: scoped to exactly what git sent, with its expiry, authtype and refresh token', async t => {
  const o = decideStore(
    input(
      [tok({ name: 'gitlab.example.com-8443-team-app-oauth2' })],
      { 'gitlab.example.com-8443-team-app-oauth2': { secret: 'other' } },
      {
        cred: parseCredential(
          `protocol=https\nhost=${HOST}:8443\npath=team/app.git\nusername=oauth2\npassword=S\npassword_expiry_utc=${Date.parse(inDays(30)) / 1000}\noauth_refresh_token=R\n\n`,
        ),
      },
    ),
  )
  t.match(o, {
    kind: 'save',
    fresh: true,
    secret: 'S',
    refreshToken: 'R',
    dropRefresh: false,
    record: {
      name: 'gitlab.example.com-8443-team-app-oauth2-2',
      scope: `${HOST}:8443/team/app`,
      username: 'oauth2',
      provider: 'generic',
      expires: inDays(30),
      state: 'active',
      source: 'keychain',
      origin: 'store',
      created: NOW.toISOString(),
      lastUsed: NOW.toISOString(),
      hasRefreshToken: true,
    },
  })
  const authtype = decideStore(
    input([], {}, { cred: parseCredential(`capability[]=authtype\nprotocol=https\nhost=${HOST}\nauthtype=Bearer\ncredential=C\n\n`) }),
  )
  t.match(
    authtype,
    { kind: 'save', secret: 'C', record: { authtype: 'Bearer', username: '', name: 'gitlab.example.com-token' } },
    'authtype and credential, no username',
  )
  const http = decideStore(input([], {}, { cred: parseCredential('protocol=http\nhost=127.0.0.1:8080\nusername=u\npassword=S\n\n') }))
  t.match(http, { kind: 'save', record: { scope: 'http://127.0.0.1:8080' } })
})

t.test('what store saved before for the same URL and user is replaced in place', async t => {
  const old = tok({
    name: 'mine',
    origin: 'store',
    state: 'rejected',
    rejected: { at: inDays(-1), url: 'x' },
    hasRefreshToken: true,
    created: '2026-01-01T00:00:00.000Z',
  })
  const o = decideStore(input([old], { mine: { secret: 'old-secret' } }))
  t.match(o, { kind: 'save', fresh: false, dropRefresh: true, record: { name: 'mine', state: 'active', expires: null, created: '2026-01-01T00:00:00.000Z' } })
  t.notOk(o.kind === 'save' && ('rejected' in o.record || o.record.hasRefreshToken), 'no longer rejected, no refresh token')
  t.equal(old.state, 'rejected', 'the record given is not changed: the caller writes the new one')
  const added = tok({ name: 'added', state: 'disabled' })
  t.match(decideStore(input([added], { added: { secret: 'x' } })), { kind: 'save', fresh: true }, 'a token made with add is never replaced')
})
