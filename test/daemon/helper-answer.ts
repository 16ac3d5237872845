// The daemon answering a whole get or store (src/daemon/helper-answer.ts):
// only when its answer is certainly the process's own, else handled: false.
import t from 'tap'
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { answerHelper, type HelperState } from '../../src/daemon/helper-answer.js'
import { SecretCache } from '../../src/daemon/cache.js'
import { SessionStore } from '../../src/daemon/sessions.js'
import { readTokensFor, serialize, SCHEMA_VERSION, type TokenRecord } from '../../src/state/tokens.js'
import { stampOf } from '../../src/state/stamp.js'
import { writeSecret } from '../../src/state/sources/index.js'
import type { HelperRequest } from '../../src/daemon/client/protocol.js'
import { tokenRecord } from '../lib/token.js'
import { useTestKeychain } from '../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

const NOW = new Date('2026-11-30T12:00:00Z')
const DAY = 86_400_000

const token = (over: Partial<TokenRecord>): TokenRecord =>
  tokenRecord({ name: 'host', scope: 'gitlab.example.com', expires: new Date(NOW.getTime() + 90 * DAY).toISOString(), ...over })

interface Setup {
  d: HelperState
  env: NodeJS.ProcessEnv
  ask(action: 'get' | 'store', input: string, over?: Partial<HelperRequest>): ReturnType<typeof answerHelper>
  cache(name: string, secret: string): void
}

function setup(t: { testdir(): string; teardown(f: () => void): void }, tokens: TokenRecord[]): Setup {
  const home = t.testdir()
  const env: NodeJS.ProcessEnv = { GIT_CREDENTIAL_PAT_HOME: home, GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE: 'svc-test' }
  const metadata = join(home, 'tokens.json')
  writeFileSync(metadata, serialize({ version: SCHEMA_VERSION, id: '0123456789abcdef', tokens }))
  const d: HelperState = { cache: new SecretCache(60_000, () => {}), sessions: new SessionStore(() => {}) }
  t.teardown(() => d.cache.forget())
  return {
    d,
    env,
    ask: (action, input, over = {}) =>
      answerHelper(d, { op: 'helper', action, input, metadata, service: 'svc-test', pending: join(home, 'pending'), ...over }, metadata, NOW),
    cache: (name, secret) => {
      // The stamp is taken from the record as the file holds it (scope canonical, store bound).
      const rec = readTokensFor(metadata, 'gitlab.example.com').find(x => x.name === name)!
      d.cache.put(name, stampOf(rec, env), secret)
    },
  }
}

const GET = 'protocol=https\nhost=gitlab.example.com\npath=team/app.git\n\n'

t.test('the best token, cached for this very record: answered whole', async t => {
  const s = setup(t, [token({ name: 'repo', scope: 'gitlab.example.com/team/app' }), token({})])
  s.cache('repo', 'glpat-REPO')
  s.cache('host', 'glpat-HOST')
  const r = s.ask('get', GET)
  const expiry = Math.floor(Date.parse(token({}).expires!) / 1000)
  t.same(r, { ok: true, handled: true, out: `username=oauth2\npassword=glpat-REPO\npassword_expiry_utc=${expiry}\n` })
  t.match(s.ask('get', 'protocol=https\nhost=gitlab.example.com\n\n'), { handled: true, out: /password=glpat-HOST/ }, 'no path: the host token')
})

t.test('anything the process would do differently is left to it', async t => {
  const cases: Array<[string, TokenRecord[], (s: Setup) => void, Partial<HelperRequest>?, string?]> = [
    ['secret not cached', [token({})], () => {}],
    ['cached for another record (rotated since)', [token({})], s => s.d.cache.put('host', 'old-stamp', 'glpat-OLD')],
    ['expiry warning due', [token({ expires: new Date(NOW.getTime() + 3 * DAY).toISOString() })], s => s.cache('host', 'x')],
    ['env: source (per process)', [token({ source: 'env:TOKEN' })], () => {}],
    ['another home', [token({})], s => s.cache('host', 'x'), { metadata: '/elsewhere/tokens.json' }],
    ['another keychain service', [token({})], s => s.cache('host', 'x'), { service: 'svc-other' }],
    ['no token for the host (the prompt is the process’s)', [token({ scope: 'other.example.com' })], () => {}],
    ['malformed input', [token({})], s => s.cache('host', 'x'), {}, 'protocol=https\nhost\n\n'],
  ]
  for (const [why, tokens, prepare, over, input] of cases) {
    const s = setup(t, tokens)
    prepare(s)
    t.same(s.ask('get', input ?? GET, over), { ok: true, handled: false }, why)
  }
})

t.test('what the process would say on stderr comes along: tokens passed over are named, then the next one answers', async t => {
  const cases: Array<[string, TokenRecord, RegExp]> = [
    ['expired', token({ name: 'old', scope: 'gitlab.example.com/team/*', expires: '2026-11-01T00:00:00.000Z' }), /^token 'old' .* expired on 2026-11-01/],
    ['disabled', token({ name: 'off', scope: 'gitlab.example.com/team/app', state: 'disabled' }), /^token 'off' .* is disabled/],
    ['rejected', token({ name: 'bad', scope: 'gitlab.example.com/team/app', state: 'rejected' }), /^token 'bad' .* was rejected/],
  ]
  for (const [why, first, note] of cases) {
    const s = setup(t, [first, token({})])
    s.cache('host', 'glpat-HOST')
    const r = s.ask('get', GET)
    t.match(r, { ok: true, handled: true, out: /password=glpat-HOST/ }, `${why}: the host token answers`)
    t.match(r.ok && r.notes, [note], `${why}: and the first is named`)
  }
  const bearer = setup(t, [token({ auth: 'bearer' })])
  bearer.cache('host', 'glpat-B')
  t.match(bearer.ask('get', GET), { handled: true, out: /^username=oauth2\npassword=glpat-B\n/ }, 'bearer without the capability: username and password')
  t.match(bearer.ask('get', `capability[]=authtype\n${GET}`), { handled: true, out: /authtype=Bearer\ncredential=glpat-B/ }, 'with it: authtype')
  const refresh = setup(t, [token({ hasRefreshToken: true })])
  refresh.cache('host', 'glpat-R')
  t.same(refresh.ask('get', GET), { ok: true, handled: false }, 'a refresh token not cached: the process reads it')
  t.same(refresh.ask('get', 'protocol=ssh\nhost=gitlab.example.com\n\n'), { ok: true, handled: true, out: '' }, 'not http: nothing, as the process')
})

t.test('store: git confirming the token just given, last use fresh: nothing to do', async t => {
  const fresh = new Date(NOW.getTime() - 10_000).toISOString()
  const stale = new Date(NOW.getTime() - 120_000).toISOString()
  const store = (secret: string, user = 'oauth2') => `protocol=https\nhost=gitlab.example.com\nusername=${user}\npassword=${secret}\n\n`

  const s = setup(t, [token({ lastUsed: fresh })])
  s.cache('host', 'glpat-HOST')
  t.same(s.ask('store', store('glpat-HOST')), { ok: true, handled: true, out: '' }, 'ours, fresh')
  t.same(s.ask('store', store('glpat-OTHER')), { ok: true, handled: false }, 'another secret: maybe a new token to save')
  t.same(s.ask('store', store('glpat-HOST', 'someone')), { ok: true, handled: false }, 'another username')
  t.same(s.ask('store', store('glpat-HOST'), { pending: undefined }), { ok: true, handled: false }, 'a client that does not name its pending directory')

  const old = setup(t, [token({ lastUsed: stale })])
  old.cache('host', 'glpat-HOST')
  t.same(old.ask('store', store('glpat-HOST')), { ok: true, handled: false }, 'last use to record: the process writes it')

  const pending = setup(t, [token({ lastUsed: fresh })])
  pending.cache('host', 'glpat-HOST')
  mkdirSync(join(pending.env.GIT_CREDENTIAL_PAT_HOME!, 'pending'))
  writeFileSync(join(pending.env.GIT_CREDENTIAL_PAT_HOME!, 'pending', 'x.json'), '{}')
  t.same(pending.ask('store', store('glpat-HOST')), { ok: true, handled: false }, 'a typed answer is pending: the process settles it')

  const session = setup(t, [token({ lastUsed: fresh })])
  session.cache('host', 'glpat-HOST')
  session.d.sessions.put('gitlab.example.com', 'oauth2', 'glpat-HOST')
  t.same(
    session.ask('store', store('glpat-HOST')),
    { ok: true, handled: true, out: '' },
    'a session token: kept unsaved, as the process does (nothing to write)',
  )

  const uncached = setup(t, [token({ lastUsed: fresh, name: 'a' }), token({ lastUsed: fresh, name: 'b' })])
  uncached.cache('b', 'glpat-HOST')
  t.same(uncached.ask('store', store('glpat-HOST')), { ok: true, handled: false }, 'a usable token whose secret is not cached cannot be ruled out')
})

t.test('the daemon reads the metadata again once it changed (its read is kept per host until then)', async t => {
  const s = setup(t, [token({})])
  s.cache('host', 'glpat-HOST')
  t.match(s.ask('get', GET), { handled: true, out: /glpat-HOST/ })
  const file = join(s.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')
  writeFileSync(file, serialize({ version: SCHEMA_VERSION, id: '0123456789abcdef', tokens: [token({ state: 'disabled' })] }))
  t.same(s.ask('get', GET), { ok: true, handled: false }, 'disabled by another process: the process names it now')
})

t.test('a secret written since it was cached, and the daemon never told: not answered from the cache', async t => {
  // git's store replacing a password in place changes only the last use of the record, and the secret.
  const rec = token({ source: 'exec:true' })
  const s = setup(t, [rec])
  s.cache('host', 'glpat-OLD')
  t.match(s.ask('get', GET), { handled: true, out: /glpat-OLD/ })
  await writeSecret(rec, 'glpat-NEW')
  rec.lastUsed = NOW.toISOString()
  const file = join(s.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')
  writeFileSync(`${file}.new`, serialize({ version: SCHEMA_VERSION, id: '0123456789abcdef', tokens: [rec] }))
  renameSync(`${file}.new`, file) // as every writer replaces it
  t.same(s.ask('get', GET), { ok: true, handled: false }, 'the process reads the source')
})

t.test('a metadata file over 1 MiB is left to the process (the daemon keeps its memory flat)', async t => {
  const many = Array.from({ length: 6000 }, (_, i) => token({ name: `t-${i}`, scope: `host-${i}.example.org/group/repo-${i}`, source: `env:UNUSED_${i}` }))
  const s = setup(t, [token({}), ...many])
  s.cache('host', 'glpat-HOST')
  const size = statSync(join(s.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')).size
  t.ok(size > 1 << 20, `the file is ${size} bytes`)
  t.same(s.ask('get', GET), { ok: true, handled: false })
})
