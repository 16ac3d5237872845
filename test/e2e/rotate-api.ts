// Rotation by the forge through the installed binary, with real
// git against the loopback git server and the loopback GitLab API, which
// share their tokens: a rotation at the forge (onRotate) makes the git
// server take the new secret and refuse the old one, as GitLab does.
import t from 'tap'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sandbox as makeSandbox, type RunResult, type Sandbox } from './lib/env.js'
import { startGitServer, type GitServer } from './lib/git-server.js'
import { startForgeServer, type ForgeServer } from './lib/forge-server.js'

const DAY = 86_400_000
const dayIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10)
const T = {
  soon: 'glpat-rotate-soon-0001',
  auto: 'glpat-rotate-auto-0002',
  lost: 'glpat-rotate-lost-0003',
  kept: 'glpat-rotate-kept-0004',
  nokc: 'glpat-rotate-nokc-0005',
  scope: 'glpat-rotate-scope-0006',
  twice: 'glpat-rotate-twice-0007',
  window: 'glpat-rotate-window-0008',
  proxy: 'glpat-rotate-proxy-0009',
  html: 'glpat-rotate-html-0010',
  moved: 'glpat-rotate-moved-0011',
}

const srv: GitServer = await startGitServer({
  repos: ['group/a'],
  tokens: Object.values(T).map(token => ({ token, paths: [''], access: 'read-write' as const })),
})
const forge: ForgeServer = await startForgeServer(
  [
    { token: T.soon, expiresAt: dayIn(3), scopes: ['api'] },
    { token: T.auto, expiresAt: dayIn(3), scopes: ['self_rotate', 'read_repository'] },
    { token: T.lost, expiresAt: dayIn(3), scopes: ['api'], dropRotate: 'after' },
    { token: T.kept, expiresAt: dayIn(3), scopes: ['api'], dropRotate: 'before' },
    { token: T.nokc, expiresAt: dayIn(3), scopes: ['api'] },
    { token: T.scope, expiresAt: dayIn(3), scopes: ['read_repository'] },
    { token: T.twice, expiresAt: dayIn(3), scopes: ['api'] },
    { token: T.window, expiresAt: dayIn(20), scopes: ['api'] },
    { token: T.proxy, expiresAt: dayIn(3), scopes: ['api'], selfReply: { status: 502, body: '<html>Bad Gateway</html>' } },
    { token: T.html, expiresAt: dayIn(3), scopes: ['api'], selfReply: { status: 200, body: '<!DOCTYPE html><title>Sign in</title>' } },
    { token: T.moved, expiresAt: dayIn(3), scopes: ['api'], selfReply: { status: 302, body: '', headers: { Location: '/users/sign_in' } } },
  ],
  {
    // GitLab revokes the old token at once and the new one works everywhere.
    onRotate: (old, fresh) => srv.addToken({ token: fresh, paths: [''], access: 'read-write' }),
    onRevoke: token => void srv.removeToken(token),
  },
)
t.teardown(async () => {
  await srv.close()
  await forge.close()
})

const origin = `http://127.0.0.1:${srv.port}`
const everyOutput: string[] = []
const seen = (r: RunResult) => (everyOutput.push(r.stdout, r.stderr), r)

async function patSandbox(name: string, extra: Array<[string, string]> = []): Promise<Sandbox> {
  const sb = makeSandbox(`rot-${name}`)
  sb.env.GIT_CREDENTIAL_PAT_DAEMON = 'never'
  await sb.gitConfig([['credential.helper', 'pat'], [`credential.${origin}.patApiUrl`, forge.url], [`credential.${origin}.patProvider`, 'gitlab'], ...extra])
  return sb
}

/**
 * A token that expires in 3 days (at midnight UTC, as `--expires 3d` records
 * it) and was made exactly 90 days before that: its lifetime is 90 days
 * whatever the time of day the test runs.
 */
async function addAged(sb: Sandbox, name: string, secret: string): Promise<void> {
  await sb.addToken(origin, secret, ['--name', name, '--username', 'oauth2', '--provider', 'gitlab', '--expires', '3d'])
  const file = join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')
  const m = JSON.parse(readFileSync(file, 'utf8')) as { tokens: Array<{ name: string; created: string; expires: string }> }
  for (const x of m.tokens) if (x.name === name) x.created = new Date(Date.parse(x.expires) - 90 * DAY).toISOString()
  writeFileSync(file, JSON.stringify(m))
}

const rec = async (sb: Sandbox, name: string) => (await sb.tokens()).find(x => x.name === name)!
const sentSince = (from: number) => [...new Set(srv.requests.slice(from).flatMap(q => (q.token ? [q.token] : [])))]
const rotations = (token: string) => forge.requests.filter(q => q.path.endsWith('/self/rotate') && q.token === token)
const warned = /git-credential-pat: token '[^']+' .*expires in/

t.test('rotate --api on a token expiring in 3 days: the next clone sends the new token, the old one is refused', async t => {
  const sb = await patSandbox('api')
  await addAged(sb, 'soon', T.soon)
  const before = seen(await sb.git(['clone', srv.url('group/a'), 'a0']))
  t.equal(before.code, 0, before.stderr)
  t.match(before.stderr, warned, 'it warned before')

  const r = seen(await sb.pat(['rotate', 'soon', '--api']))
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, new RegExp(`renewed 'soon' through GitLab: new secret saved, expires ${dayIn(90)}`))
  t.match(r.stdout, /asked for 90 days, its previous lifetime/)
  const [post] = rotations(T.soon)
  t.equal(post?.expiresAt, dayIn(90), 'asked for the previous lifetime')
  t.equal(post?.auth, 'private-token', 'authenticated with the token itself')
  const fresh = forge.token(T.soon)?.rotatedTo
  t.ok(fresh, 'the forge rotated it')
  t.ok(forge.token(T.soon)?.revoked, 'the old token is revoked at the forge')

  const from = srv.requests.length
  const clone = seen(await sb.git(['clone', srv.url('group/a'), 'a1']))
  t.equal(clone.code, 0, clone.stderr)
  t.same(sentSince(from), [fresh], 'the next clone carries the new token (server log)')
  t.notMatch(clone.stderr, warned, 'no expiry warning any more')
  t.notMatch(clone.stderr, /git-credential-pat:/)

  const old = await fetch(`${forge.url}/api/v4/personal_access_tokens/self`, { headers: { 'PRIVATE-TOKEN': T.soon } })
  t.equal(old.status, 401, 'the old one is refused by the forge')
  const refused = await sb.git(['ls-remote', srv.url('group/a', { username: 'oauth2', password: T.soon })])
  t.not(refused.code, 0, 'and by the git server')

  const x = await rec(sb, 'soon')
  t.equal(x.expires, `${dayIn(90)}T00:00:00.000Z`, 'list shows the new expiry')
  t.match(x.rotation, { result: 'rotated' })
  const table = seen(await sb.pat(['list']))
  t.match(table.stdout, new RegExp(`soon\\s.*${dayIn(90)}`))

  const again = seen(await sb.pat(['rotate', 'soon', '--api', '--expires', '2y']))
  t.equal(again.code, 1, 'beyond the maximum lifetime')
  t.match(again.stderr, /GitLab refused the expiry \d{4}-\d{2}-\d{2} \(400.*pass a nearer one, e\.g\. --expires 30d/)
  t.equal(forge.token(fresh!)?.revoked, undefined, 'a 400 changed nothing at the forge')
  t.equal((await rec(sb, 'soon')).expires, `${dayIn(90)}T00:00:00.000Z`, 'nor here')
})

t.test('autoRotate: a fetch that would have warned renews the token in the background; the next fetch uses it', async t => {
  const sb = await patSandbox('auto', [['credential.pat.autoRotate', 'true']])
  sb.env.GIT_CREDENTIAL_PAT_AUTOROTATE_DELAY_MS = '300'
  await addAged(sb, 'auto', T.auto)
  const shown = seen(await sb.pat(['show', 'auto']))
  t.match(shown.stdout, /auto-rotate\s+yes/, 'show marks it')
  t.match(seen(await sb.pat(['list'])).stdout, /^\*R\s+auto\s/m, 'list marks it')

  const clone = seen(await sb.git(['clone', srv.url('group/a'), 'a']))
  t.equal(clone.code, 0, clone.stderr)
  t.match(clone.stderr, /token 'auto' .* expires in 2 days, on .*; renewing it through the forge in the background \(credential\.pat\.autoRotate\)/)
  let x = await rec(sb, 'auto')
  for (let i = 0; i < 100 && x.rotation?.result !== 'rotated'; i++) {
    await new Promise(r => setTimeout(r, 200))
    x = await rec(sb, 'auto')
  }
  t.match(x.rotation, { result: 'rotated', auto: true }, 'renewed in the background')
  const fresh = forge.token(T.auto)?.rotatedTo
  t.ok(fresh && forge.token(T.auto)?.revoked)
  t.equal(rotations(T.auto).length, 1, 'once')

  const from = srv.requests.length
  const fetch2 = seen(await sb.git(['fetch', 'origin'], { cwd: join(sb.dir, 'a') }))
  t.equal(fetch2.code, 0, fetch2.stderr)
  t.same(sentSince(from), [fresh], 'the second fetch uses the new token')
  t.notMatch(fetch2.stderr, /git-credential-pat:/, 'and has nothing to warn about')
  t.equal(rotations(T.auto).length, 1, 'never rotated twice')
})

/** Wait until no background renewal holds its lock file (get takes it before git goes on). */
async function settled(sb: Sandbox): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (!readdirSync(sb.env.GIT_CREDENTIAL_PAT_HOME!).some(f => /^rotating-.*\.lock$/.test(f))) return
    await new Promise(r => setTimeout(r, 200))
  }
}

t.test('autoRotate, warnDays 30, 20 days left: a renewal would land inside the window, so it warns once and never rotates', async t => {
  const sb = await patSandbox('window', [
    ['credential.pat.autoRotate', 'true'],
    ['credential.pat.warnDays', '30'],
  ])
  sb.env.GIT_CREDENTIAL_PAT_AUTOROTATE_DELAY_MS = '100'
  // Made today, expiring in 20 days: its previous lifetime asks for 30 days, inside warnDays.
  await sb.addToken(origin, T.window, ['--name', 'win', '--username', 'oauth2', '--provider', 'gitlab', '--expires', '20d'])
  const from = forge.requests.length
  const said: string[] = []
  for (let i = 0; i < 3; i++) {
    const r = seen(await sb.git(['ls-remote', srv.url('group/a')]))
    t.equal(r.code, 0, r.stderr)
    said.push(r.stderr)
    await settled(sb)
  }
  const posts = forge.requests.slice(from).filter(q => q.path.endsWith('/self/rotate'))
  t.equal(posts.length, 0, 'never rotated')
  t.equal(forge.token(T.window)?.revoked, undefined, 'the token is untouched at the forge')
  const lines = said
    .join('')
    .split('\n')
    .filter(l => /token 'win'/.test(l))
  t.equal(lines.length, 1, `one warning in three commands: ${said.join('|')}`)
  t.match(lines[0], /expires in \d+ days.*credential\.pat\.autoRotate skips it: .*30 days.*inside credential\.pat\.warnDays \(30\)/)
  t.match(lines[0], /git-credential-pat rotate win --api --expires \d+d/)
  t.equal((await rec(sb, 'win')).rotation, undefined, 'no renewal recorded')
})

t.test('autoRotate never renews an env: token, and says so', async t => {
  const sb = await patSandbox('env', [['credential.pat.autoRotate', 'true']])
  await sb.pat(['add', origin, '--source', 'env:ROT_TOKEN', '--name', 'envtok', '--provider', 'gitlab', '--username', 'oauth2', '--expires', '3d'])
  const r = seen(await sb.git(['ls-remote', srv.url('group/a')], { env: { ROT_TOKEN: T.nokc } }))
  t.equal(r.code, 0, r.stderr)
  t.match(r.stderr, /credential\.pat\.autoRotate skips it: its secret lives in env:…, so renew it there/)
  await new Promise(r => setTimeout(r, 500))
  t.equal(rotations(T.nokc).length, 0, 'nothing asked of the forge')
  const api = seen(await sb.pat(['rotate', 'envtok', '--api']))
  t.equal(api.code, 1)
  t.match(api.stderr, /reads its secret from env:…/)
})

t.test('a lost answer: the token is marked, never retried, and check settles it', async t => {
  const sb = await patSandbox('lost', [['credential.pat.autoRotate', 'true']])
  await addAged(sb, 'lost', T.lost)
  const r = seen(await sb.pat(['rotate', 'lost', '--api']))
  t.equal(r.code, 1)
  t.match(r.stderr, /no answer from GitLab after the rotation request for 'lost' was sent/)
  t.match(r.stderr, new RegExp(`look at http://127\\.0\\.0\\.1:${srv.port}/-/user_settings/personal_access_tokens, then run: git-credential-pat check lost`))
  t.ok(forge.token(T.lost)?.revoked, 'the forge did rotate it')
  t.match((await rec(sb, 'lost')).rotation, { result: 'unknown' }, 'marked')

  const again = seen(await sb.pat(['rotate', 'lost', '--api']))
  t.equal(again.code, 1)
  t.match(again.stderr, /got no answer.*never tried again with it/)
  const fetch1 = seen(await sb.git(['ls-remote', srv.url('group/a')]))
  t.match(fetch1.stderr, /its renewal on \d{4}-\d{2}-\d{2} got no answer; run: git-credential-pat check lost/)
  await new Promise(r => setTimeout(r, 500))
  t.equal(rotations(T.lost).length, 1, 'no retry, by hand or in the background')
  t.match(seen(await sb.pat(['list'])).stdout, /renewal .* got no answer/, 'list says so')

  const check = seen(await sb.pat(['check', 'lost']))
  t.equal(check.code, 1)
  t.match(
    check.stdout,
    /token 'lost': the rotation on \d{4}-\d{2}-\d{2} probably happened and its new token is lost .*revoke the newest 'lost' token at http:\/\/127\.0\.0\.1:\d+\/-\/user_settings\/personal_access_tokens, then make a new one and run: git-credential-pat rotate lost/,
  )
  const x = await rec(sb, 'lost')
  t.match(x, { state: 'rejected', rotation: { result: 'lost' } })
  t.equal(rotations(T.lost).length, 1)
})

t.test('an answer lost before the forge acted: check clears the mark', async t => {
  const sb = await patSandbox('kept')
  await addAged(sb, 'kept', T.kept)
  const r = seen(await sb.pat(['rotate', 'kept', '--api']))
  t.equal(r.code, 1)
  t.match((await rec(sb, 'kept')).rotation, { result: 'unknown' })
  const check = seen(await sb.pat(['check', 'kept']))
  t.equal(check.code, 0, check.stderr)
  t.match(check.stdout, /token 'kept': the rotation on \d{4}-\d{2}-\d{2} did not happen/)
  t.equal((await rec(sb, 'kept')).rotation, undefined, 'the mark is cleared')
  t.equal((await rec(sb, 'kept')).state, 'active')
})

t.test('a token whose scopes do not let it renew itself: refused before any rotation request', async t => {
  const sb = await patSandbox('scope')
  await addAged(sb, 'narrow', T.scope)
  const r = seen(await sb.pat(['rotate', 'narrow', '--api']))
  t.equal(r.code, 1)
  t.match(
    r.stderr,
    /has the scopes read_repository: without api \(or self_rotate, GitLab ≥ 17\.9\) it may not renew itself; renew it at http:\/\/127\.0\.0\.1:\d+\/-\/user_settings\/personal_access_tokens\?name=narrow/,
  )
  t.equal(rotations(T.scope).length, 0)
})

t.test('GET …/self did not vouch for the token (502, a 200 HTML page, a 302): nothing goes to the rotation endpoint', async t => {
  const sb = await patSandbox('unvouched')
  for (const [name, secret, said] of [
    ['proxy', T.proxy, /GitLab answered 502/],
    ['html', T.html, /answered 200 but not with GitLab's JSON/],
    ['moved', T.moved, /redirects \(302\); not followed/],
  ] as const) {
    await addAged(sb, name, secret)
    const r = seen(await sb.pat(['rotate', name, '--api']))
    t.equal(r.code, 1, `${name}: exit 1`)
    t.equal(r.stderr.trim().split('\n').length, 1, `${name}: one line: ${r.stderr}`)
    t.match(r.stderr, said)
    t.match(r.stderr, `'${name}' was not renewed`)
    t.match(r.stderr, 'nothing was changed')
    t.equal(rotations(secret).length, 0, `${name}: never sent to …/self/rotate`)
    const x = await rec(sb, name)
    t.equal(x.rotation, undefined, `${name}: no mark`)
    t.equal(x.expires, `${dayIn(3)}T00:00:00.000Z`, `${name}: expiry as it was`)
  }
})

t.test('a keychain that cannot be written: rotate --api stops before calling the forge', async t => {
  const sb = await patSandbox('nokeychain')
  await addAged(sb, 'kc', T.twice)
  const asked = forge.requests.length
  const noBus = { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(sb.dir, 'no-bus-here')}`, GIT_CREDENTIAL_PAT_KEYCHAIN_TIMEOUT_MS: '2000' }
  const r = seen(await sb.pat(['rotate', 'kc', '--api'], { env: noBus }))
  t.equal(r.code, 1)
  t.match(r.stderr, /the keychain cannot be written, so 'kc' was not renewed \(nothing was asked of the forge\)/)
  t.equal(forge.requests.length, asked, 'the forge got no request at all')
  t.equal((await rec(sb, 'kc')).rotation, undefined, 'nothing recorded')
  const plain = seen(await sb.pat(['rotate', 'kc', '--token-stdin'], { env: noBus, input: 'glpat-never-read-0009' }))
  t.equal(plain.code, 1)
  t.match(plain.stderr, /the keychain cannot be written, so 'kc' was not changed/, 'plain rotate checks before asking (issue 13 item 6)')
})

t.test('forges without a rotation API: rotate --api names the page', async t => {
  const sb = await patSandbox('github')
  await sb.addToken('github.com', 'ghp_rotateApiGithub0010', ['--name', 'gh'])
  const r = seen(await sb.pat(['rotate', 'gh', '--api']))
  t.equal(r.code, 1)
  t.match(
    r.stderr,
    /github has no API to renew a token; regenerate it on the forge \(https:\/\/github\.com\/settings\/tokens\/new\?description=gh&scopes=repo\), then: git-credential-pat rotate gh/,
  )
})

t.test('no secret in any output', async t => {
  for (const s of Object.values(T))
    t.notOk(
      everyOutput.some(o => o.includes(s)),
      `never printed ${s.slice(0, 18)}…`,
    )
  for (const q of forge.requests) if (q.path.endsWith('/rotate') && q.status === 200) t.ok(true)
  const fresh = [...forge.requests].flatMap(q => (q.token && q.token.startsWith('glpat-rotated-') ? [q.token] : []))
  for (const f of new Set(fresh))
    t.notOk(
      everyOutput.some(o => o.includes(f)),
      'nor a new one',
    )
})
