// `get` (src/git/get.ts): the I/O around get's decision: the records read,
// secrets fetched as the decision asks for them, its notes said in order,
// the warning state written, nothing when nothing can be sent.
import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { get } from '../../src/git/get.js'
import { parseCredential } from '../../src/core/protocol.js'
import { takeNotes } from '../../src/log/log.js'
import { setSecret } from '../../src/state/sources/keychain.js'
import { refreshAccount } from '../../src/state/sources/index.js'
import { bindStore } from '../../src/state/keychain-account.js'
import { tokenRecord } from '../lib/token.js'
import { captured, home } from './lib/home.js'
import { useTestKeychain } from '../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

const NOW = new Date('2026-11-30T12:00:00Z')
const inDays = (n: number) => new Date(NOW.getTime() + n * 86_400_000).toISOString()
const ask = (text: string) => parseCredential(text)
const GET = 'protocol=https\nhost=gitlab.example.com\npath=team/app.git\n\n'

t.test('the best usable token, read from its source', async t => {
  const h = home(t, 'best')
  h.write([
    tokenRecord({ name: 'repo', scope: 'gitlab.example.com/team/app', source: 'env:REPO_TOKEN', expires: inDays(90) }),
    tokenRecord({ name: 'host', scope: 'gitlab.example.com', source: 'env:HOST_TOKEN' }),
  ])
  const env = { ...h.env, REPO_TOKEN: 'glpat-repo', HOST_TOKEN: 'glpat-host' }
  const r = await captured(() => get(ask(GET), { env, now: NOW }))
  t.equal(r.value, `username=oauth2\npassword=glpat-repo\npassword_expiry_utc=${Date.parse(inDays(90)) / 1000}\n`)
  t.equal(r.stderr, '')
  t.equal((await get(ask('protocol=https\nhost=gitlab.example.com\n\n'), { env, now: NOW })).includes('password=glpat-host'), true, 'no path: the host token')
})

t.test('a token that cannot be read is named once, and the next one answers', async t => {
  const h = home(t, 'unreadable')
  h.write([
    tokenRecord({ name: 'a', scope: 'gitlab.example.com/team/*', source: 'env:UNSET_A' }),
    tokenRecord({ name: 'old', scope: 'gitlab.example.com/team/app', expires: inDays(-2) }),
    tokenRecord({ name: 'host', scope: 'gitlab.example.com', source: 'env:HOST_TOKEN' }),
  ])
  const r = await captured(() => get(ask(GET), { env: { ...h.env, HOST_TOKEN: 'glpat-host' }, now: NOW }))
  t.match(r.value, /password=glpat-host/)
  const lines = r.stderr.trimEnd().split('\n')
  t.equal(lines.length, 2, r.stderr)
  t.match(lines[0], /^git-credential-pat: token 'old' .* expired on 2026-11-28/)
  t.match(lines[1], /^git-credential-pat: token 'a': environment variable UNSET_A is not set/)
})

t.test('nothing usable, no session, no terminal: nothing, and exit 0 (git asks its next helper)', async t => {
  const h = home(t, 'nothing')
  h.write([tokenRecord({ name: 'off', scope: 'gitlab.example.com', state: 'disabled' })])
  const r = await captured(() => get(ask(GET), { env: h.env, now: NOW }))
  t.equal(r.value, '')
  t.match(r.stderr, /token 'off' .* is disabled/)
  t.equal(await get(ask('protocol=https\n\n'), { env: h.env, now: NOW }), '', 'no host: nothing')
  t.equal(await get(ask('host=gitlab.example.com\n\n'), { env: h.env, now: NOW }), '', 'no protocol: nothing, the file not even read')
})

t.test('near expiry: the warning said, and remembered in the warning state', async t => {
  const h = home(t, 'warn')
  h.write([tokenRecord({ name: 'near', scope: 'gitlab.example.com', source: 'env:NEAR', expires: inDays(3) })])
  const env: NodeJS.ProcessEnv = { ...h.env, NEAR: 'glpat-near' }
  const r = await captured(() => get(ask(GET), { env, now: NOW }))
  t.match(r.value, /password=glpat-near/)
  t.match(r.stderr, /^git-credential-pat: token 'near' \(gitlab.example.com\) expires in 3 days/)
  const state = join(env.GIT_CREDENTIAL_PAT_HOME!, 'warned.json')
  t.ok(existsSync(state), 'state written')
  t.match(JSON.parse(readFileSync(state, 'utf8')), { warned: { near: { at: NOW.toISOString() } } })
  const again = await captured(() => get(ask(GET), { env, now: new Date(NOW.getTime() + 3600_000) }))
  t.equal(again.stderr, '', 'within the interval: quiet')
})

t.test('a refresh token kept in the keychain goes along', async t => {
  const h = home(t, 'refresh')
  h.write([tokenRecord({ name: 'r', scope: 'gitlab.example.com', source: 'env:R_TOKEN', hasRefreshToken: true })])
  bindStore(h.metadata, '00112233445566aa')
  await setSecret(refreshAccount('r'), 'refresh-secret-1')
  const out = await get(ask(GET), { env: { ...h.env, R_TOKEN: 'glpat-r' }, now: NOW })
  t.match(out, /password=glpat-r\noauth_refresh_token=refresh-secret-1\n$/)
  takeNotes()
})
