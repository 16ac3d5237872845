// `check` through the built binary against a loopback forge that answers like
// GitLab's and GitHub's documented APIs: valid, revoked, no expiry,
// 401, a timeout, a refused connection, a forge that does not say; what it
// records, and that the recorded expiry then drives the warning on `get`.
import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sandbox as makeSandbox, type Sandbox, type RunResult } from './lib/env.js'
import { startForgeServer, type ForgeServer } from './lib/forge-server.js'

const DAY = 86_400_000
const dayIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10)

const S = {
  gl: 'glpat-check-valid-0001',
  glNever: 'glpat-check-never-0002',
  glRevoked: 'glpat-check-revoked-0003',
  glUnknown: 'glpat-check-unknown-0004',
  glSlow: 'glpat-check-slow-0005',
  gh: 'ghp_checkGithubToken0006',
  ghBad: 'ghp_checkGithubRevoked0007',
  gitea: 'gitea-check-token-0008',
  added: 'glpat-check-added-0009',
  glExpired: 'glpat-check-expired-0010',
}
const inThreeDays = dayIn(3)

const forge: ForgeServer = await startForgeServer([
  { token: S.gl, expiresAt: inThreeDays, login: 'alice', scopes: ['read_repository', 'write_repository'] },
  { token: S.glNever, expiresAt: null, login: 'bob', noReadUser: true },
  { token: S.glRevoked, revoked: true },
  { token: S.glExpired, expired: true },
  { token: S.glSlow, hang: true },
  { token: S.gh, login: 'octocat', githubExpirationHeader: `${dayIn(40)} 12:00:00 +0100`, scopes: ['repo'] },
  { token: S.added, expiresAt: dayIn(90), login: 'carol' },
])
t.teardown(() => forge.close())

const everyOutput: string[] = []
function seen(r: RunResult): RunResult {
  everyOutput.push(r.stdout, r.stderr)
  return r
}
/** get's stdout carries the password by design; its stderr must not. */
function seenGet(r: RunResult): RunResult {
  everyOutput.push(r.stderr)
  return r
}

/** A sandbox without the daemon (not what this is about), so nothing outlives the test. */
function sandbox(name: string): Sandbox {
  const sb = makeSandbox(name)
  sb.env.GIT_CREDENTIAL_PAT_DAEMON = 'never'
  return sb
}

/** A sandbox where gitlab.example.com's API is the loopback forge (credential.<url>.patApiUrl). */
async function forgeSandbox(name: string): Promise<Sandbox> {
  const sb = sandbox(name)
  await sb.git(['config', '--global', 'credential.https://gitlab.example.com.patApiUrl', forge.url])
  return sb
}

const list = async (sb: Sandbox) =>
  JSON.parse((await sb.pat(['list', '--json'])).stdout) as Array<{ name: string; state: string; expires: string | null; checked?: Record<string, unknown> }>

t.test('GitLab: a valid token, its real expiry recorded, then the warning on get', async t => {
  const sb = await forgeSandbox('check-gl')
  await sb.addToken('gitlab.example.com', S.gl, ['--name', 'gl'])
  const before = seenGet(await sb.pat(['get'], { input: 'protocol=https\nhost=gitlab.example.com\n\n' }))
  t.equal(before.stderr, '', 'expiry unknown: no warning yet')
  t.notMatch(before.stdout, /password_expiry_utc/)

  const r = seen(await sb.pat(['check', 'gl', '--json']))
  t.equal(r.code, 0, r.stderr)
  const [res] = JSON.parse(r.stdout)
  t.match(res, {
    name: 'gl',
    result: 'valid',
    expires: `${inThreeDays}T00:00:00.000Z`,
    login: 'alice',
    scopes: ['read_repository', 'write_repository'],
    active: true,
    apiUrl: `${forge.url}/api/v4/personal_access_tokens/self`,
  })
  const req = forge.requests.find(q => q.token === S.gl && q.path.endsWith('/self'))
  t.equal(req?.auth, 'private-token', 'sent as PRIVATE-TOKEN, as GitLab documents')

  const [rec] = await list(sb)
  t.equal(rec.expires, `${inThreeDays}T00:00:00.000Z`, 'the forge expiry is recorded on the token')
  t.match(rec.checked, { result: 'valid', login: 'alice' })

  const after = seenGet(await sb.pat(['get'], { input: 'protocol=https\nhost=gitlab.example.com\n\n' }))
  t.match(after.stdout, `password_expiry_utc=${Date.parse(`${inThreeDays}T00:00:00Z`) / 1000}`)
  t.match(
    after.stderr,
    /^git-credential-pat: token 'gl' \(gitlab\.example\.com\) expires in [23] days, on \d{4}-\d{2}-\d{2}; rotate it: git-credential-pat rotate gl\n$/,
    'the recorded expiry drives the warning',
  )

  const table = seen(await sb.pat(['check']))
  t.match(table.stdout, /^NAME\s+RESULT\s+EXPIRES\s+LOGIN\s+SCOPES\s+NOTE/)
  t.match(table.stdout, /gl\s+valid\s+\d{4}-\d{2}-\d{2} \(in [23] days\)\s+alice/)
})

t.test('GitLab: no expiry, revoked, expired, unknown (401)', async t => {
  const sb = await forgeSandbox('check-gl-bad')
  await sb.addToken('gitlab.example.com', S.glNever, ['--name', 'never', '--expires', '30d'])
  await sb.addToken('gitlab.example.com', S.glRevoked, ['--name', 'revoked'])
  await sb.addToken('gitlab.example.com', S.glExpired, ['--name', 'expired'])
  await sb.addToken('gitlab.example.com', S.glUnknown, ['--name', 'unknown'])
  const r = seen(await sb.pat(['check', '--json']))
  t.equal(r.code, 1, 'exit 1: some tokens will not work again')
  const by = Object.fromEntries((JSON.parse(r.stdout) as Array<{ name: string }>).map(x => [x.name, x]))
  t.match(by.never, { result: 'valid', expires: null, message: /no expiry/ }, 'a token without expiry')
  t.notOk('login' in by.never && by.never.login, 'no read_user scope: no login, no failure')
  t.match(by.revoked, { result: 'revoked', state: 'rejected', revoked: true })
  t.match(by.expired, { result: 'expired', state: 'rejected' })
  t.match(by.unknown, { result: 'invalid', state: 'rejected', message: /401/ })
  const recs = Object.fromEntries((await list(sb)).map(x => [x.name, x]))
  t.equal(recs.never.expires, null, 'the forge says it never expires: the 30d guess is replaced')
  t.equal(recs.never.state, 'active')
  t.equal(recs.revoked.state, 'rejected', 'revoked → rejected, skipped by get')
  const table = seen(await sb.pat(['check', 'revoked']))
  t.match(table.stdout, /'revoked' will not work again; replace it: git-credential-pat rotate revoked/)
  const get = seenGet(await sb.pat(['get'], { input: 'protocol=https\nhost=gitlab.example.com\n\n' }))
  t.match(get.stdout, `password=${S.glNever}`, 'get skips the rejected ones')
})

t.test('check --help and the README name the forges check asks: GitLab, Heptapod, GitHub, Gitea/Forgejo', async t => {
  const sb = sandbox('check-help')
  const help = await sb.pat(['check', '--help'])
  t.equal(help.code, 0)
  const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md'), 'utf8')
  const line = /`check` asks[^\n]*\n?[^\n]*/.exec(readme)?.[0] ?? ''
  for (const forge of ['GitLab', 'Heptapod', 'GitHub', 'Gitea', 'Forgejo']) {
    t.match(help.stdout, forge, `--help names ${forge}`)
    t.match(line, forge, `the README's line on check names ${forge}`)
  }
})

t.test('a forge that does not answer, one that refuses connections', async t => {
  const sb = await forgeSandbox('check-net')
  await sb.addToken('gitlab.example.com', S.glSlow, ['--name', 'slow', '--expires', '2099-01-01'])
  const started = Date.now()
  const r = seen(await sb.pat(['check', 'slow'], { env: { GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS: '500' } }))
  t.ok(Date.now() - started < 8000, 'bounded by the timeout')
  t.equal(r.code, 1)
  t.match(r.stdout, /slow\s+unreachable/)
  t.match(r.stdout, /no answer within 0\.5 s/)
  t.notMatch(r.stderr, /internal error|at .*\.js/, 'a message, not a crash')
  const [rec] = await list(sb)
  t.equal(rec.state, 'active', 'unreachable changes nothing')
  t.equal(rec.expires, '2099-01-01T00:00:00.000Z')

  await sb.git(['config', '--global', 'credential.https://gitlab.example.com.patApiUrl', 'http://127.0.0.1:1'])
  const refused = seen(await sb.pat(['check', 'slow', '--json']))
  t.equal(refused.code, 1)
  t.match(JSON.parse(refused.stdout)[0], {
    result: 'unreachable',
    message: /cannot ask http:\/\/127\.0\.0\.1:1\/api\/v4\/personal_access_tokens\/self: connection refused/,
  })

  await sb.git(['config', '--global', 'credential.pat.checkTimeout', '1s'])
  await sb.git(['config', '--global', 'credential.https://gitlab.example.com.patApiUrl', forge.url])
  const viaConfig = seen(await sb.pat(['check', 'slow']))
  t.match(viaConfig.stdout, /no answer within 1 s/, 'credential.pat.checkTimeout')
})

t.test('GitHub (Enterprise path), and a 401', async t => {
  const sb = sandbox('check-gh')
  // An http:// scope on the forge's own host: the API is derived, http, /api/v3.
  await sb.addToken(`http://127.0.0.1:${forge.port}/acme/app`, S.gh, ['--name', 'gh', '--provider', 'github'])
  await sb.addToken(`http://127.0.0.1:${forge.port}/acme/other`, S.ghBad, ['--name', 'gh-bad', '--provider', 'github'])
  const r = seen(await sb.pat(['check', 'gh', 'gh-bad', '--json']))
  const [gh, bad] = JSON.parse(r.stdout)
  t.match(gh, {
    result: 'valid',
    login: 'octocat',
    scopes: ['repo'],
    expires: `${dayIn(40)}T11:00:00.000Z`,
    apiUrl: `http://127.0.0.1:${forge.port}/api/v3/user`,
  })
  t.match(bad, { result: 'invalid', state: 'rejected', message: /Bad credentials/ })
  const req = forge.requests.find(q => q.token === S.gh)
  t.match(req, { path: '/api/v3/user', auth: 'bearer' }, 'Authorization: Bearer on GET /api/v3/user')
  t.match(req?.userAgent, /git-credential-pat/, 'GitHub wants a User-Agent')
})

t.test('a forge without a token API: "the forge does not say"', async t => {
  // Bitbucket: repository access tokens have no self-check endpoint (Gitea has one).
  const sb = sandbox('check-bitbucket')
  await sb.addToken('bitbucket.org/ws/repo', S.gitea, ['--name', 'cb'])
  const before = forge.requests.length
  const r = seen(await sb.pat(['check']))
  t.equal(r.code, 0, 'not a failure')
  t.match(r.stdout, /cb\s+unknown\s+unknown\s+the forge does not say/)
  t.equal(forge.requests.length, before, 'nobody was asked')
  const none = seen(await sb.pat(['check', 'nope']))
  t.equal(none.code, 1)
  t.match(none.stderr, /no token named 'nope'/)
})

t.test('add --check', async t => {
  const sb = await forgeSandbox('check-add')
  const r = seen(await sb.pat(['add', 'gitlab.example.com', '--name', 'fresh', '--token-stdin', '--check'], { input: S.added }))
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /added token 'fresh'/)
  t.match(r.stdout, `checked: GitLab says the token is active; it expires on ${dayIn(90)}`)
  const [rec] = await list(sb)
  t.equal(rec.expires, `${dayIn(90)}T00:00:00.000Z`, 'the expiry came from the forge')
  t.match(rec.checked, { login: 'carol', result: 'valid' })
  const bad = seen(await sb.pat(['add', 'gitlab.example.com', '--name', 'dead', '--token-stdin', '--check'], { input: S.glRevoked }))
  t.equal(bad.code, 1, 'the forge says it is revoked: refused')
  t.match(bad.stderr, /GitLab says the token was revoked \(401\); nothing was saved/)
  t.same(
    (await list(sb)).map(x => x.name),
    ['fresh'],
    'nothing saved',
  )
})

t.test('no secret in any output of check, nor in the metadata', async t => {
  const all = everyOutput.join('\n')
  for (const [k, s] of Object.entries(S)) t.notMatch(all, s, `${k} never printed`)
  const sb = await forgeSandbox('check-meta')
  await sb.addToken('gitlab.example.com', S.gl, ['--name', 'gl'])
  seen(await sb.pat(['check', '--json']))
  t.notMatch(readFileSync(join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json'), 'utf8'), S.gl, 'not in tokens.json')
  const log = join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'log', 'git-credential-pat.log')
  const logText = existsSync(log) ? readFileSync(log, 'utf8') : ''
  for (const [k, s] of Object.entries(S)) t.notMatch(logText, s, `${k} not in the log`)
  // The secret went in a request header, and only to the forge.
  t.ok(
    forge.requests.every(q => !q.path.includes(S.gl)),
    'never in a URL',
  )
})
