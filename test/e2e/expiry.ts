// Expiry with real git against the loopback git server:
// the warning on git's stderr and its rate limit, an expired token that
// never leaves the machine, erase asking the forge (a loopback GitLab API)
// before rejecting an added token, and password_expiry_utc.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sandbox as makeSandbox, parseCredential, run, type Sandbox } from './lib/env.js'
import { startGitServer, type GitServer } from './lib/git-server.js'
import { startForgeServer, type ForgeServer } from './lib/forge-server.js'

const T = {
  soon: 'soon-token-0001',
  today: 'last-day-token-0002',
  expired: 'expired-token-0003',
  fallback: 'fallback-token-0004',
  valid: 'valid-host-token-0005',
  revoked: 'revoked-token-0006',
  slow: 'slow-forge-token-0007',
  fill: 'fill-token-0008',
}

const srv: GitServer = await startGitServer({
  repos: ['group/a', 'other/d', 'denied/x'],
  tokens: [
    { token: T.soon, paths: [''], access: 'read-write' },
    { token: T.today, paths: [''], access: 'read-write' },
    // The server would take the expired token: only the helper keeps it back.
    { token: T.expired, paths: [''], access: 'read-write' },
    { token: T.fallback, paths: [''], access: 'read-write' },
    { token: T.valid, paths: [''], access: 'read-write' },
    { token: T.slow, paths: [''], access: 'read-write' },
    { token: T.fill, paths: [''], access: 'read-write' },
    // T.revoked is unknown to the git server: every use is a 401.
  ],
})
const forge: ForgeServer = await startForgeServer([
  { token: T.valid, login: 'ci', expiresAt: '2099-01-01' },
  { token: T.revoked, revoked: true },
  { token: T.slow, hang: true },
])
t.teardown(async () => {
  await srv.close()
  await forge.close()
})

const origin = `http://127.0.0.1:${srv.port}`
const gitVersion = (await run('git', ['--version'])).stdout
  .match(/(\d+)\.(\d+)/)!
  .slice(1)
  .map(Number)
const gitHasExpiry = gitVersion[0] > 2 || (gitVersion[0] === 2 && gitVersion[1] >= 41) // password_expiry_utc: git 2.41

/** A sandbox whose git uses our helper and asks the loopback forge about the loopback server's tokens. */
async function patSandbox(name: string): Promise<Sandbox> {
  const sb = makeSandbox(name)
  sb.env.GIT_CREDENTIAL_PAT_DAEMON = 'never' // nothing outlives the test
  await sb.gitConfig([
    ['credential.helper', 'pat'],
    [`credential.${origin}.patApiUrl`, forge.url],
  ])
  return sb
}

const seenSince = (from: number, repo?: string) => [
  ...new Set(
    srv.requests
      .slice(from)
      .filter(q => q.token && (repo === undefined || q.path === repo))
      .map(q => q.token),
  ),
]

const tokens = (sb: Sandbox) => sb.tokens()

const warningLine = (name: string) =>
  new RegExp(
    `^git-credential-pat: token '${name}' \\(${origin.replace(/[.:/]/g, '\\$&')}\\) expires in \\d+ (days?|hours?|minutes?), on \\d{4}-\\d{2}-\\d{2}; rotate it: git-credential-pat rotate ${name}$`,
    'gm',
  )

t.test('a token expiring in 3 days: clone works, the warning shows once across clone and two fetches', async t => {
  const sb = await patSandbox('warn')
  await sb.addToken(origin, T.soon, ['--username', 'ci', '--name', 'soon', '--expires', '3d'])
  const from = srv.requests.length
  const clone = await sb.git(['clone', srv.url('other/d'), 'd'])
  t.equal(clone.code, 0, clone.stderr)
  const dir = join(sb.dir, 'd')
  const f1 = await sb.git(['fetch', 'origin'], { cwd: dir })
  const f2 = await sb.git(['fetch', 'origin'], { cwd: dir })
  t.equal(f1.code, 0, f1.stderr)
  t.equal(f2.code, 0, f2.stderr)
  t.same(seenSince(from), [T.soon], 'the token was sent every time')
  t.equal(clone.stderr.match(warningLine('soon'))?.length, 1, 'the clone shows the warning line')
  t.match(clone.stderr, /expires in 3 days, on/, 'days left: calendar days to the expiry date, three days on')
  t.equal((f1.stderr + f2.stderr).match(/git-credential-pat:/g), null, 'the two fetches within warnInterval: nothing')
  t.notMatch(clone.stderr + f1.stderr + f2.stderr, T.soon)

  // A short interval: the next fetch warns again.
  await sb.git(['config', '--global', 'credential.pat.warnInterval', '1s'])
  await new Promise(r => setTimeout(r, 1100))
  const f3 = await sb.git(['fetch', 'origin'], { cwd: dir })
  t.equal(f3.stderr.match(warningLine('soon'))?.length, 1, 'credential.pat.warnInterval=1s: warned again')
  await sb.git(['config', '--global', 'credential.pat.warnDays', '1'])
  const f4 = await sb.git(['fetch', 'origin'], { cwd: dir })
  t.equal(f4.stderr.match(/git-credential-pat:/g), null, 'credential.pat.warnDays=1: 2 days left is not near')
})

t.test('the last 24 hours: every git command warns', async t => {
  const sb = await patSandbox('lastday')
  // Expiry at 00:00 UTC tomorrow: always under 24 hours away.
  await sb.addToken(origin, T.today, ['--username', 'ci', '--name', 'lastday', '--expires', '1d'])
  const clone = await sb.git(['clone', srv.url('other/d'), 'd'])
  t.equal(clone.code, 0, clone.stderr)
  const fetch = await sb.git(['fetch', 'origin'], { cwd: join(sb.dir, 'd') })
  t.equal(clone.stderr.match(warningLine('lastday'))?.length, 1)
  t.equal(fetch.stderr.match(warningLine('lastday'))?.length, 1, 'again, despite the interval')
  t.match(fetch.stderr, /expires in \d+ (hours?|minutes?)/, 'hours left')
})

t.test('an expired token never reaches the server', async t => {
  const sb = await patSandbox('expired')
  const add = await sb.addToken(origin, T.expired, ['--username', 'ci', '--name', 'old', '--expires', '2020-01-01', '--force'])
  t.match(add.stdout, /in the past/)
  let from = srv.requests.length
  const r = await sb.git(['clone', srv.url('other/d'), 'd'])
  t.not(r.code, 0, 'nothing else to send: the clone fails')
  t.match(r.stderr, `git-credential-pat: token 'old' (${origin}) expired on 2020-01-01; not sending it. Rotate it: git-credential-pat rotate old`)
  t.same(seenSince(from), [], 'the server never saw it (its request log)')
  t.notOk(srv.tokensSeen().includes(T.expired))

  // A repository token that expired, and a host token behind it: falls through.
  const sb2 = await patSandbox('expired-fallthrough')
  await sb2.addToken(`${origin}/other/d`, T.expired, ['--username', 'ci', '--name', 'old-repo', '--expires', '2020-01-01', '--force'])
  await sb2.addToken(origin, T.fallback, ['--username', 'ci', '--name', 'host'])
  from = srv.requests.length
  const r2 = await sb2.git(['clone', srv.url('other/d'), 'd2'])
  t.equal(r2.code, 0, r2.stderr)
  t.match(r2.stderr, /token 'old-repo' .* expired on 2020-01-01; not sending it/)
  t.same(seenSince(from), [T.fallback], 'the next matching token was sent instead')
  t.notOk(srv.tokensSeen().includes(T.expired), 'and the expired one never')
})

t.test('a 401 from one repository: the forge says the token is valid, so it stays active', async t => {
  const sb = await patSandbox('denied')
  await sb.addToken(origin, T.valid, ['--username', 'ci', '--name', 'host', '--provider', 'gitlab'])
  srv.denyRepo('denied/x')
  t.teardown(() => srv.allowRepo('denied/x'))
  const asked = forge.requests.length
  let from = srv.requests.length
  const denied = await sb.git(['clone', srv.url('denied/x'), 'x'])
  t.not(denied.code, 0, 'the server refuses that repository')
  t.same(seenSince(from, 'denied/x'), [T.valid])
  t.ok(
    forge.requests.slice(asked).some(q => q.path === '/api/v4/personal_access_tokens/self' && q.token === T.valid && q.auth === 'private-token'),
    'erase asked the forge about the token',
  )
  const [rec] = await tokens(sb)
  t.equal(rec.state, 'active', 'still active')
  t.match(rec.denied, { url: origin }, 'a note of the refusal')
  t.equal(rec.checked?.result, 'valid')
  t.equal(rec.expires, '2099-01-01T00:00:00.000Z', 'and the forge taught it the expiry')
  const shown = await sb.pat(['list'])
  t.match(shown.stdout, /refused it \d{4}-\d{2}-\d{2}; the forge says the token is valid/, 'list says the 401 was about the repository')
  t.notMatch(shown.stdout, T.valid)
  const log = readFileSync(join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'log', 'git-credential-pat.log'), 'utf8')
  t.match(log, /"forge":"valid"/, 'the log has what the forge said')
  t.match(log, /the 401 was about http:\/\/127\.0\.0\.1/, 'and that the 401 was about the repository')
  t.notMatch(log, T.valid, 'never the token')

  from = srv.requests.length
  const next = await sb.git(['clone', srv.url('group/a'), 'a'])
  t.equal(next.code, 0, next.stderr)
  t.same(seenSince(from, 'group/a'), [T.valid], 'the next clone of another repository still uses it')
})

t.test('a revoked token: git gets a 401, the forge says revoked, it is marked rejected', async t => {
  const sb = await patSandbox('revoked')
  await sb.addToken(origin, T.revoked, ['--username', 'ci', '--name', 'rv', '--provider', 'gitlab'])
  let from = srv.requests.length
  const r = await sb.git(['clone', srv.url('other/d'), 'd'])
  t.not(r.code, 0)
  t.same(seenSince(from), [T.revoked])
  const [rec] = await tokens(sb)
  t.equal(rec.state, 'rejected')
  t.match(rec.rejected, { url: origin })
  t.equal(rec.checked?.result, 'revoked', 'what the forge said is recorded')
  from = srv.requests.length
  const again = await sb.git(['clone', srv.url('other/d'), 'd2'])
  t.not(again.code, 0)
  t.same(seenSince(from), [], 'a rejected token is not sent again')
})

t.test('erase when the forge does not answer: rejected within the 3 s bound', async t => {
  const sb = await patSandbox('slowforge')
  await sb.addToken(origin, T.slow, ['--username', 'ci', '--name', 'slow', '--provider', 'gitlab'])
  srv.denyRepo('denied/x')
  t.teardown(() => srv.allowRepo('denied/x'))
  const started = Date.now()
  const r = await sb.git(['clone', srv.url('denied/x'), 'x'])
  const took = Date.now() - started
  t.not(r.code, 0)
  t.ok(took < 10_000, `git did not hang on the forge (${took} ms)`)
  const [rec] = await tokens(sb)
  t.equal(rec.state, 'rejected', 'unreachable forge: rejected, as SPEC §2 says')
  t.equal(rec.checked?.result, 'unreachable')
})

t.test('password_expiry_utc', async t => {
  const sb = await patSandbox('fill')
  await sb.addToken(origin, T.fill, ['--username', 'ci', '--name', 'fill', '--expires', '2099-01-01'])
  const expiry = String(Date.parse('2099-01-01T00:00:00Z') / 1000)
  const input = `protocol=http\nhost=127.0.0.1:${srv.port}\n\n`
  const helper = parseCredential((await sb.pat(['get'], { input })).stdout)
  t.equal(helper.password_expiry_utc, expiry, 'get emits it for a token with a known expiry')
  const fill = await sb.git(['credential', 'fill'], { input })
  t.equal(fill.code, 0, fill.stderr)
  t.equal(parseCredential(fill.stdout).password, T.fill)
  if (gitHasExpiry) t.equal(parseCredential(fill.stdout).password_expiry_utc, expiry, '`git credential fill` passes it on')
  else t.comment(`git ${gitVersion.join('.')} drops password_expiry_utc (git ≥ 2.41 passes it on); the helper's own output is checked above`)

  // store records what git sends, and later gets return it.
  const stored = 'stored-token-0009'
  const when = 1_900_000_000
  const s = await sb.pat(['store'], { input: `protocol=https\nhost=store.example\nusername=u\npassword=${stored}\npassword_expiry_utc=${when}\n\n` })
  t.equal(s.code, 0, s.stderr)
  const rec = (await tokens(sb)).find(x => x.name !== 'fill')
  t.equal(rec?.expires, new Date(when * 1000).toISOString(), 'store recorded it')
  const back = parseCredential((await sb.pat(['get'], { input: 'protocol=https\nhost=store.example\n\n' })).stdout)
  t.same([back.password, back.password_expiry_utc], [stored, String(when)], 'and get returns it')
  const none = await sb.addToken('nodate.example', 'no-expiry-token-0010', ['--username', 'u', '--name', 'nodate'])
  t.equal(none.code, 0)
  const plain = (await sb.pat(['get'], { input: 'protocol=https\nhost=nodate.example\n\n' })).stdout
  t.notMatch(plain, /password_expiry_utc/, 'not sent when unknown')
})
