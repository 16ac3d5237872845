// get's decision (src/core/answer-get.ts), pure: the records, the clock,
// the settings and a secret lookup in; the answer, the notes, the writes
// and what it still needs out.
import t from 'tap'
import { decideGet, type GetInput } from '../../src/core/answer-get.js'
import type { Looked } from '../../src/core/answer.js'
import { parseCredential } from '../../src/core/protocol.js'
import type { TokenRecord } from '../../src/core/model.js'
import { WARN_INTERVAL_DEFAULT_MS } from '../../src/core/warn.js'
import { tokenRecord } from '../lib/token.js'

const NOW = new Date('2026-11-30T12:00:00Z')
const DAY = 86_400_000
const inDays = (n: number) => new Date(NOW.getTime() + n * DAY).toISOString()
const HOST = 'gitlab.example.com'
const tok = (over: Partial<TokenRecord>) => tokenRecord({ scope: HOST, expires: inDays(90), ...over })
const ask = (extra = '', path = 'team/app.git') => parseCredential(`protocol=https\nhost=${HOST}\n${path ? `path=${path}\n` : ''}${extra}\n`)

/** An input whose secrets are those given (by name); others are not at hand. */
function input(tokens: TokenRecord[], secrets: Record<string, Looked>, over: Partial<GetInput> = {}, refresh: Record<string, string | null> = {}): GetInput {
  return {
    cred: ask(),
    tokens,
    now: NOW,
    secrets: { secret: x => secrets[x.name], refresh: x => refresh[x.name] },
    ...over,
  }
}

t.test('the best usable token: username, password and expiry', async t => {
  const repo = tok({ name: 'repo', scope: `${HOST}/team/app` })
  const o = decideGet(input([tok({ name: 'host' }), repo], { repo: { secret: 's-repo' }, host: { secret: 's-host' } }))
  t.same(o, { out: `username=oauth2\npassword=s-repo\npassword_expiry_utc=${Math.floor(Date.parse(repo.expires!) / 1000)}\n`, notes: [], token: repo })
})

t.test('a secret not at hand is asked for, then the decision goes on from there', async t => {
  const a = tok({ name: 'a', scope: `${HOST}/team/*` })
  const b = tok({ name: 'b' })
  const secrets: Record<string, Looked> = {}
  let o = decideGet(input([a, b], secrets))
  t.same(o.need, { kind: 'secret', token: a })
  secrets.a = { error: "token 'a' cannot be read" }
  o = decideGet(input([a, b], secrets))
  t.same(o.need, { kind: 'secret', token: b }, 'unreadable: the next one')
  t.same(o.notes, ["token 'a' cannot be read"], 'named before asking for the next')
  secrets.b = { secret: 's-b' }
  o = decideGet(input([a, b], secrets))
  t.match(o, { out: /password=s-b/, notes: ["token 'a' cannot be read"], token: b })
})

t.test('tokens passed over are named once each, in order; the same trouble once', async t => {
  const old = tok({ name: 'old', scope: `${HOST}/team/*`, expires: inDays(-3) })
  const off = tok({ name: 'off', scope: `${HOST}/team/app`, state: 'disabled' })
  const bad = tok({
    name: 'bad',
    scope: `${HOST}/team/app`,
    state: 'rejected',
    rejected: { at: inDays(-1), url: 'https://x/y' },
    created: '2026-03-01T00:00:00.000Z',
  })
  const frozen = { error: 'the keyring did not answer' }
  const x = tok({ name: 'x', scope: `${HOST}/team/*`, created: '2026-02-01T00:00:00.000Z' })
  const y = tok({ name: 'y' })
  const o = decideGet(input([old, off, bad, x, y], { x: frozen, y: frozen }))
  t.equal(o.notes.length, 4, o.notes.join('\n'))
  t.match(o.notes[0], /^token 'bad' .* was rejected by the server on 2026-11-29 \(https:\/\/x\/y\)/, 'the most specific first; then the newer')
  t.match(o.notes[1], /^token 'off' .* is disabled/)
  t.equal(o.notes[2], 'the keyring did not answer', 'usable before unusable within a rank')
  t.match(o.notes[3], /^token 'old' .* expired on /, 'two tokens, one trouble: one line')
  t.same(o.need, { kind: 'session' }, 'nothing usable: a session token is asked for')
})

t.test('nothing usable: a session token, else the prompt with what was found', async t => {
  const old = tok({ name: 'old', expires: inDays(-3) })
  const session = { scope: HOST, username: 'me', secret: 's-session', expiresAt: new Date(NOW.getTime() + 3600_000) }
  const o = decideGet(input([old], {}, { session }))
  t.equal(o.out, `username=me\npassword=s-session\npassword_expiry_utc=${Math.floor(session.expiresAt.getTime() / 1000)}\n`)
  t.equal(o.session, session)
  t.equal(decideGet(input([], {}, { session: { ...session, expiresAt: undefined } })).out, 'username=me\npassword=s-session\n', 'no expiry: none sent')
  const p = decideGet(input([old], {}, { session: null }))
  t.equal(p.need?.kind, 'prompt')
  t.same(p.need?.kind === 'prompt' && p.need.found.map(c => c.token.name), ['old'])
})

t.test('not http, or no host: nothing at all (no prompt either)', async t => {
  t.same(decideGet(input([tok({})], {}, { cred: parseCredential(`protocol=ssh\nhost=${HOST}\n\n`) })), { out: '', notes: [] })
  t.same(decideGet(input([tok({})], {}, { cred: parseCredential('protocol=https\n\n') })), { out: '', notes: [] })
  t.same(decideGet(input([tok({})], {}, { cred: parseCredential(`host=${HOST}\n\n`) })), { out: '', notes: [] })
})

t.test('a username git sent: only that username', async t => {
  const o = decideGet(
    input(
      [tok({ name: 'a', username: 'alice' }), tok({ name: 'b', username: 'bob' })],
      { a: { secret: 'A' }, b: { secret: 'B' } },
      { cred: ask('username=bob\n') },
    ),
  )
  t.match(o.out, /username=bob\npassword=B/)
})

t.test('authtype: only to a git that advertises the capability', async t => {
  const stored = tok({ name: 'stored', authtype: 'Bearer', scope: `${HOST}/team/app` })
  const bearer = tok({ name: 'bearer', auth: 'bearer' })
  const secrets = { stored: { secret: 'S' }, bearer: { secret: 'B' } }
  t.match(
    decideGet(input([stored, bearer], secrets)).out,
    /^username=oauth2\npassword=B\n/,
    'no capability: the stored authtype one is skipped; bearer goes as a password',
  )
  const o = decideGet(input([stored, bearer], secrets, { cred: ask('capability[]=authtype\n') }))
  t.match(o.out, /^capability\[\]=authtype\nauthtype=Bearer\ncredential=S\npassword_expiry_utc=\d+\n$/)
})

t.test('a refresh token goes along; asked for when not at hand', async t => {
  const r = tok({ name: 'r', hasRefreshToken: true })
  t.same(decideGet(input([r], { r: { secret: 'S' } })).need, { kind: 'refresh', token: r })
  t.match(decideGet(input([r], { r: { secret: 'S' } }, {}, { r: 'R' })).out, /password=S\npassword_expiry_utc=\d+\noauth_refresh_token=R\n$/)
  t.notMatch(decideGet(input([r], { r: { secret: 'S' } }, {}, { r: null })).out, /oauth_refresh_token/, 'none kept after all')
})

t.test('near expiry: the warning settings are asked for; the warning said and remembered', async t => {
  const near = tok({ name: 'near', expires: inDays(3) })
  const secrets = { near: { secret: 'S' } }
  const cfg = { warnDays: 7, intervalMs: WARN_INTERVAL_DEFAULT_MS }
  t.same(decideGet(input([near], secrets)), { out: '', notes: [], need: { kind: 'warn', token: near } }, 'no answer until the settings are read')
  const o = decideGet(input([near], secrets, { warn: { autoRotate: false, cfg, state: {} } }))
  t.match(o.out, /password=S/)
  t.match(o.notes, [/^token 'near' \(gitlab.example.com\) expires in 3 days/])
  t.same(o.warned, { near: { at: NOW.toISOString(), expires: near.expires } })
  const again = decideGet(input([near], secrets, { warn: { autoRotate: false, cfg, state: o.warned! } }))
  t.same([again.notes, again.warned], [[], undefined], 'within the interval: quiet, nothing to write')
  t.same(decideGet(input([near], secrets, { warn: null })).notes, [], 'settings unreadable: no warning, the token still goes')
  const auto = decideGet(input([near], secrets, { warn: { autoRotate: true } }))
  t.same([auto.autoRotate, auto.notes], [near, []], 'credential.pat.autoRotate: handed over')
  t.equal(decideGet(input([tok({ name: 'far' })], { far: { secret: 'S' } })).need, undefined, 'far from expiry: no settings needed')
})
