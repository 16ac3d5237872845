// `which URL`: which token get would send, and for every other
// token of the host the reason it is not the one. Pure: tokens, useHttpPath
// and the unreadable secrets are given.
import t from 'tap'
import { explain, likelyCauses, requestOf, toProbe, whyText, type Explanation } from '../../src/core/explain.js'
import { formatScope, parseScope } from '../../src/core/scope.js'
import type { TokenRecord } from '../../src/state/tokens.js'
import { tokenRecord } from '../lib/token.js'

const NOW = new Date('2026-06-15T12:00:00Z')
const tok = (name: string, scope: string, extra: Partial<TokenRecord> = {}): TokenRecord =>
  tokenRecord({ name, scope: formatScope(parseScope(scope)), expires: '2027-01-01T00:00:00.000Z', ...extra })

const TOKENS = [
  tok('host', 'git.test'),
  tok('team', 'git.test/team/*'),
  tok('app', 'git.test/team/app'),
  tok('old', 'git.test/team/*', { expires: '2026-06-01T00:00:00.000Z' }),
  tok('off', 'git.test/team/app', { state: 'disabled' }),
  tok('bad', 'git.test', { state: 'rejected', rejected: { at: '2026-06-10T08:00:00.000Z', url: 'https://git.test/x/y' } }),
  tok('plain', 'http://git.test'),
  tok('port', 'git.test:8443'),
  tok('ci', 'git.test', { username: 'ci' }),
  tok('elsewhere', 'other.test'),
]

function run(url: string, useHttpPath = true, unreadable: Record<string, string> = {}, tokens = TOKENS): Explanation {
  return explain(tokens, requestOf(url), { useHttpPath, unreadable: new Map(Object.entries(unreadable)), now: NOW })
}
const reasons = (e: Explanation) => Object.fromEntries(e.rows.map(r => [r.token.name, r.why.kind]))

t.test('requestOf reads a URL as git would ask', async t => {
  t.match(requestOf('https://git.test/team/app.git'), { protocol: 'https', host: 'git.test', path: 'team/app.git', url: 'https://git.test/team/app.git' })
  t.match(requestOf('git.test/team/app'), { protocol: 'https', path: 'team/app' }, 'no scheme: https')
  t.match(requestOf('http://Git.Test:8080'), { protocol: 'http', host: 'git.test:8080', path: undefined })
  const u = requestOf('https://alice:hunter2secret@git.test/r')
  t.equal(u.username, 'alice')
  t.notMatch(JSON.stringify(u), /hunter2/, 'the password is dropped')
  t.throws(() => requestOf('ssh://git.test/r'), { code: 'USAGE' })
  t.throws(() => requestOf('https://'), { code: 'USAGE' })
})

t.test('the repository token is chosen; every other token of the host has its reason', async t => {
  const e = run('https://git.test/team/app')
  t.equal(e.chosen?.name, 'app')
  t.equal(e.rows[0].token.name, 'app', 'the chosen one comes first')
  t.same(reasons(e), {
    app: 'chosen',
    team: 'less-specific',
    host: 'less-specific',
    old: 'expired',
    off: 'disabled',
    bad: 'rejected',
    plain: 'http-only',
    port: 'other-port',
    ci: 'less-specific', // git sent no username: any user's token may answer
  })
  t.notOk(
    e.rows.some(r => r.token.name === 'elsewhere'),
    'other hosts are left out',
  )
  const text = Object.fromEntries(e.rows.map(r => [r.token.name, r.text]))
  t.match(text.team, /less specific than 'app'/)
  t.match(text.old, /expired on 2026-06-01/)
  t.match(text.bad, /rejected on 2026-06-10 at https:\/\/git\.test\/x\/y/)
  t.match(text.off, /disabled/)
})

t.test('group, host and http URLs', async t => {
  t.equal(run('https://git.test/team/lib').chosen?.name, 'team')
  t.match(reasons(run('https://git.test/team/lib')), { app: 'not-covered', off: 'not-covered', host: 'less-specific' })
  const top = run('https://git.test/solo/repo')
  t.equal(top.chosen?.name, 'host')
  t.match(reasons(top), { team: 'not-covered', app: 'not-covered' })
  const bare = run('https://git.test')
  t.equal(bare.chosen?.name, 'host')
  t.match(reasons(bare), { team: 'no-path', app: 'no-path' })
  const http = run('http://git.test/team/app')
  t.equal(http.chosen?.name, 'plain')
  t.match(reasons(http), { app: 'https-only', team: 'https-only', host: 'https-only' })
  t.match(http.rows.find(r => r.token.name === 'app')!.text, /https only and this URL is http/)
})

t.test('without useHttpPath git sends no path: path scopes cannot match, and it says so', async t => {
  const e = run('https://git.test/team/app', false)
  t.notOk(e.pathSent)
  t.equal(e.chosen?.name, 'host')
  t.match(reasons(e), { app: 'needs-use-http-path', team: 'needs-use-http-path', off: 'needs-use-http-path' })
  t.match(
    e.rows.find(r => r.token.name === 'app')!.text,
    /credential\.useHttpPath is off for https:\/\/git\.test.*git config --global credential\.https:\/\/git\.test\.useHttpPath true/,
  )
  // A path scope for another repository is simply not covering, useHttpPath or not.
  t.match(reasons(run('https://git.test/solo/repo', false)), { app: 'not-covered' })
})

t.test('a username in the URL: only that user', async t => {
  const e = run('https://ci@git.test/solo/repo')
  t.equal(e.chosen?.name, 'ci')
  t.match(reasons(e), { host: 'username' })
  t.match(e.rows.find(r => r.token.name === 'host')!.text, /its username is 'oauth2'; the URL asks for 'ci'/)
})

t.test('an unreadable secret: the next token is chosen, with the reason', async t => {
  const e = run('https://git.test/team/app', true, { app: "token 'app' is recorded but the keychain returned no secret" })
  t.equal(e.chosen?.name, 'team')
  t.match(reasons(e), { app: 'no-secret', host: 'less-specific' })
  t.match(e.rows.find(r => r.token.name === 'app')!.text, /no secret could be read: token 'app'/)
})

t.test('nothing usable: nothing chosen', async t => {
  const e = run('https://git.test/team/app', true, {}, [TOKENS[3], TOKENS[4]])
  t.equal(e.chosen, undefined)
  t.same(reasons(e), { off: 'disabled', old: 'expired' })
  t.same(run('https://nowhere.test/x').rows, [])
})

t.test('two tokens of one scope: the later expiry wins, the other is ranked after it', async t => {
  const a = tok('a', 'git.test/team/*', { expires: '2026-12-01T00:00:00.000Z' })
  const b = tok('b', 'git.test/team/*', { expires: '2027-12-01T00:00:00.000Z' })
  const e = run('https://git.test/team/x', true, {}, [a, b])
  t.equal(e.chosen?.name, 'b')
  t.match(e.rows[1], { token: { name: 'a' }, why: { kind: 'ranked-after', than: 'b' } })
})

t.test('toProbe: the usable tokens in get order, for reading their secrets', async t => {
  t.same(
    toProbe(TOKENS, requestOf('https://git.test/team/app'), true, NOW).map(x => x.name),
    ['app', 'team', 'host', 'ci'],
  )
  t.same(
    toProbe(TOKENS, requestOf('https://git.test/team/app'), false, NOW).map(x => x.name),
    ['host', 'ci'],
  )
})

t.test('whyText never shows a secret-looking detail', async t => {
  const text = whyText({ kind: 'no-secret', detail: 'command failed (glpat-AAAAAAAAAAAAAAAAAAAA)' }, TOKENS[0])
  t.notMatch(text, /glpat-/)
})

t.test('likelyCauses: the prompt names an https-only scope over http and a path git did not send', async t => {
  const tokens = [
    tok('sec', 'git.test'),
    tok('sec-team', 'git.test/team/*'),
    tok('sec-other', 'git.test/other/*'),
    tok('plain-team', 'http://git.test/team/*'),
    tok('elsewhere', 'other.test'),
  ]
  const http = likelyCauses(tokens, requestOf('http://git.test/team/app.git'), NOW)
  t.equal(http.length, 2, http.join('\n'))
  t.match(http[0], "token 'sec' (git.test): its scope is https only and this URL is http")
  t.match(http[1], "token 'sec-team' (git.test/team/*): its scope is https only")
  t.notMatch(http.join('\n'), /sec-other|plain-team|elsewhere/, 'only tokens that would cover it over https')
  // useHttpPath off: git sends no path, so every path token of the host is a likely cause.
  const noPath = likelyCauses(tokens, { ...requestOf('http://git.test'), url: 'http://git.test' }, NOW)
  t.same(
    noPath.map(c => c.split(':')[0]),
    ["token 'sec' (git.test)", "token 'plain-team' (http"],
  )
  t.match(noPath[1], 'credential.useHttpPath is off for http://git.test; run: git config --global credential.http://git.test.useHttpPath true')
  t.same(likelyCauses(tokens, requestOf('https://git.test/team/app.git'), NOW), [], 'nothing when the tokens simply answer')
})
