// `add` for a new user through the installed
// binary: the token page before the question, the forge asked before saving
// (a loopback GitLab, GitHub and Gitea API), a refused token not saved,
// scopes as people type them, and the small refusals and warnings.
import t from 'tap'
import { createServer } from 'node:net'
import { startForgeServer, type ForgeServer } from './lib/forge-server.js'
import { box, get, listJson, ok } from './lib/cli.js'
import { bin, type RunResult, type Sandbox } from './lib/env.js'
import { haveTmux, startPty } from './lib/tmux.js'

const DAY = 86_400_000
const dayIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10)

const S = {
  gl: 'glpat-addcheck-valid-0001',
  glRead: 'glpat-addcheck-readonly-0002',
  glRevoked: 'glpat-addcheck-revoked-0003',
  glUnknown: 'glpat-addcheck-unknown-0004',
  gh: 'ghp_addcheckPublicOnly0005',
  gitea: 'gitea-addcheck-token-0006',
  giteaBad: 'gitea-addcheck-bad-0007',
  offline: 'glpat-addcheck-offline-0008',
  plain: 'plain-addcheck-secret-0009',
  glNext: 'glpat-addcheck-next-0010',
  glTty: 'glpat-addcheck-tty-0011',
  glTypo: 'glpat-addcheck-typo-0012',
  glHang: 'glpat-addcheck-hang-0013',
}
const forge: ForgeServer = await startForgeServer([
  { token: S.gl, expiresAt: dayIn(30), login: 'alice', scopes: ['read_repository', 'write_repository'] },
  { token: S.glRead, expiresAt: dayIn(60), scopes: ['read_repository'] },
  { token: S.glRevoked, revoked: true },
  { token: S.gh, login: 'octocat', scopes: ['public_repo'] },
  { token: S.gitea, login: 'gitea-me' },
  { token: S.glNext, expiresAt: dayIn(45), login: 'alice', scopes: ['read_repository', 'write_repository'] },
  { token: S.glTty, expiresAt: dayIn(50), login: 'alice', scopes: ['read_repository', 'write_repository'] },
  { token: S.glHang, hang: true },
])
t.teardown(() => forge.close())

const outputs: string[] = []
const seen = (r: RunResult) => (outputs.push(r.stdout, r.stderr), r)
const origin = `http://127.0.0.1:${forge.port}`

/** A sandbox where add asks the forge, as it does for users (the suite turns that off elsewhere). */
function checking(name: string): Sandbox {
  const sb = box(name)
  delete sb.env.GIT_CREDENTIAL_PAT_ADD_CHECK
  return sb
}
const add = async (sb: Sandbox, args: string[], secret: string) => seen(await sb.pat(['add', ...args, '--token-stdin'], { input: secret }))

t.test('GitLab: the prefilled link, then the expiry and scopes the forge gives', async t => {
  const sb = checking('addck-gl')
  const r = await add(sb, [`${origin}/team/*`, '--provider', 'gitlab', '--name', 'team-ci'], S.gl)
  t.equal(r.code, 0, r.stderr)
  t.match(r.stderr, `create the token at: ${origin}/-/user_settings/personal_access_tokens?name=team-ci&scopes=read_repository,write_repository`)
  t.match(r.stdout, `added token 'team-ci' for ${origin}/team/* (user oauth2, expires ${dayIn(30)})`)
  t.match(r.stdout, /checked: GitLab says the token is active; .*scopes read_repository, write_repository/)
  const [rec] = await listJson(sb)
  t.equal(rec.expires, `${dayIn(30)}T00:00:00.000Z`, 'the expiry came from the forge')
  t.match(rec, { checked: { result: 'valid', scopes: ['read_repository', 'write_repository'], login: 'alice' } })
  t.match(
    forge.requests.find(q => q.token === S.gl),
    { path: '/api/v4/personal_access_tokens/self', auth: 'private-token' },
  )
  t.match(r.stdout, /set credential\.http:\/\/127\.0\.0\.1:\d+\.useHttpPath=true/, 'a path scope: useHttpPath set')

  const again = await add(sb, [`${origin}/team/app`, '--provider', 'gitlab', '--name', 'app', '--no-check'], S.gl)
  t.equal(again.code, 0, again.stderr)
  t.notMatch(again.stdout, /useHttpPath/, 'already set: not said again')
})

t.test('a token the forge refuses is not saved, unless --force', async t => {
  const sb = checking('addck-bad')
  const before = forge.requests.length
  const r = await add(sb, [origin, '--provider', 'gitlab', '--name', 'dead'], S.glRevoked)
  t.equal(r.code, 1)
  t.match(r.stderr, /GitLab says the token was revoked \(401\); nothing was saved .*--force saves it anyway/)
  t.equal(r.stdout, '')
  t.same(await listJson(sb), [], 'nothing saved')
  t.equal(forge.requests.length, before + 1, 'asked once')

  const unknown = await add(sb, [origin, '--provider', 'gitlab', '--name', 'typo'], S.glUnknown)
  t.equal(unknown.code, 1)
  t.match(unknown.stderr, /does not accept the token \(401 Unauthorized\).*nothing was saved/)

  const forced = await add(sb, [origin, '--provider', 'gitlab', '--name', 'dead', '--force'], S.glRevoked)
  t.equal(forced.code, 0, forced.stderr)
  t.match(forced.stderr, /warning: GitLab says the token was revoked \(401\); saved anyway \(--force\)/)
  t.match(await listJson(sb), [{ name: 'dead' }])
})

t.test('rotate checks the new secret as add does: a mistyped one changes nothing; the expiry comes from the forge', async t => {
  const sb = checking('addck-rotate')
  t.equal((await add(sb, [origin, '--provider', 'gitlab', '--name', 'gl'], S.gl)).code, 0)
  const before = await listJson(sb)
  const typo = seen(await sb.pat(['rotate', 'gl', '--token-stdin'], { input: S.glTypo }))
  t.equal(typo.code, 1, 'refused')
  t.match(typo.stderr, /GitLab does not accept the token \(401 Unauthorized\).*nothing was changed.*--force/)
  t.equal(typo.stdout, '')
  t.same(await listJson(sb), before, 'the record is as it was')
  t.match(await get(sb, `${origin}/x`), { password: S.gl }, 'the working secret is still sent')

  const next = seen(await sb.pat(['rotate', 'gl', '--token-stdin', '--expires', '90d'], { input: S.glNext }))
  t.equal(next.code, 0, next.stderr)
  t.match(next.stdout, `replaced the secret of 'gl' for ${origin} (expires ${dayIn(45)}, active)`)
  t.match(next.stdout, /checked: GitLab says the token is active/)
  t.match(next.stderr, `the forge says the token expires on ${dayIn(45)}, not ${dayIn(90)} as --expires said; recorded ${dayIn(45)}`)
  const [x] = await listJson(sb)
  t.equal(x.expires, `${dayIn(45)}T00:00:00.000Z`, 'the expiry the forge gave')
  t.match(x, { checked: { result: 'valid', login: 'alice' } })
  t.match(await get(sb, `${origin}/x`), { password: S.glNext })

  const forced = seen(await sb.pat(['rotate', 'gl', '--token-stdin', '--force'], { input: S.glTypo }))
  t.equal(forced.code, 0, forced.stderr)
  t.match(forced.stderr, /warning: GitLab does not accept the token .*; saved anyway \(--force\)/)
  t.match(await get(sb, `${origin}/x`), { password: S.glTypo })
})

t.test('rotate at a terminal shows the token page before asking', { skip: !haveTmux && 'tmux is not installed' }, async t => {
  const sb = checking('addck-rotate-tty')
  t.equal((await add(sb, [`${origin}/team/*`, '--provider', 'gitlab', '--name', 'team'], S.gl)).code, 0)
  const p = startPty(sb.dir, sb.env, `${bin} rotate team`)
  try {
    const screen = await p.waitFor(/New token for/)
    t.match(screen, `create the token at: ${origin}/-/user_settings/personal_access_tokens?name=team&scopes=read_repository,write_repository`)
    p.paste(S.glTty)
    p.press('Enter')
    t.equal(await p.exited(), 0, p.screen())
    t.match(p.screen(), `replaced the secret of 'team' for ${origin}/team/* (expires ${dayIn(50)}, active)`)
    outputs.push(p.screen())
  } finally {
    p.close()
  }
})

t.test('scopes that cannot read or write repositories: a warning', async t => {
  const sb = checking('addck-scopes')
  const gl = await add(sb, [origin, '--provider', 'gitlab', '--name', 'ro'], S.glRead)
  t.equal(gl.code, 0, gl.stderr)
  t.match(gl.stderr, /warning: its scopes \(read_repository\) cannot write repositories: git push will be refused/)
  const glRead = await add(sb, [`${origin}/x`, '--provider', 'gitlab', '--name', 'ro2', '--access', 'read'], S.glRead)
  t.notMatch(glRead.stderr, /warning/, '--access read: nothing to say')

  const gh = await add(sb, [`${origin}/acme/app`, '--provider', 'github', '--name', 'gh'], S.gh)
  t.equal(gh.code, 0, gh.stderr)
  t.match(gh.stderr, 'create the token at: http://127.0.0.1')
  t.match(gh.stderr, 'or fine-grained: http://127.0.0.1')
  t.match(gh.stderr, /warning: its scopes \(public_repo\) reach public repositories only/)
  t.match(gh.stdout, /checked: GitHub accepts the token \(user octocat\)/)
})

t.test('Gitea: GET /api/v1/user', async t => {
  const sb = checking('addck-gitea')
  const r = await add(sb, [`${origin}/me/app`, '--provider', 'gitea', '--username', 'gitea-me', '--name', 'tea'], S.gitea)
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /checked: Gitea accepts the token \(user gitea-me\)/)
  t.match(
    forge.requests.find(q => q.token === S.gitea),
    { path: '/api/v1/user', auth: 'token' },
  )
  t.match((await listJson(sb))[0], { checked: { result: 'valid', login: 'gitea-me' } })
  const bad = await add(sb, [`${origin}/me/other`, '--provider', 'gitea', '--username', 'gitea-me', '--name', 'tea2'], S.giteaBad)
  t.equal(bad.code, 1)
  t.match(bad.stderr, /Gitea does not accept the token \(401/)
  t.equal((await listJson(sb)).length, 1)
})

t.test('offline, --no-check, and a forge without a token API', async t => {
  const sb = checking('addck-offline')
  const port = await closedPort()
  const r = await add(sb, [`http://127.0.0.1:${port}`, '--provider', 'gitlab', '--name', 'off'], S.offline)
  t.equal(r.code, 0, r.stderr)
  t.match(r.stderr, /warning: the token was not checked: cannot ask .*connection refused; saved anyway/)
  t.match(await listJson(sb), [{ name: 'off', expires: null }])

  const before = forge.requests.length
  const skipped = await add(sb, [`${origin}/n`, '--provider', 'gitlab', '--name', 'nochk', '--no-check'], S.glUnknown)
  t.equal(skipped.code, 0, skipped.stderr)
  // Named generic: not asked which forge it is (add-identify.ts covers a host nobody named).
  const generic = await add(sb, [`${origin}/g`, '--provider', 'generic', '--username', 'u', '--name', 'gen'], S.plain)
  t.equal(generic.code, 0, generic.stderr)
  t.notMatch(generic.stderr, /create the token/, 'generic: no token page')
  t.equal(forge.requests.length, before, '--no-check and generic: the forge was not asked')
})

t.test('scopes as people type them', async t => {
  const sb = box('addck-scopes-typed')
  await ok(sb, ['add', 'gitlab.example.com', '--token-stdin', '--name', 'one'], 's-one')
  const bare = await add(sb, ['team/*', '--name', 'grp'], 'secret-grp')
  t.equal(bare.code, 2, 'usage error')
  t.match(bare.stderr, /scope 'team\/\*' has no host: did you mean gitlab\.example\.com\/team\/\*\?/)
  t.equal(bare.stderr.trim().split('\n').length, 1, 'one line')

  for (const [url, repo] of [
    ['https://GitLab.Example.com/team/app/-/tree/main', 'gitlab.example.com/team/app'],
    ['https://gitlab.example.com/team/sub/app/-/merge_requests/1', 'gitlab.example.com/team/sub/app'],
    ['https://github.example.com/acme/app/pull/1', 'github.example.com/acme/app'],
    ['https://codeberg.org/me/app/src/branch/main', 'codeberg.org/me/app'],
  ]) {
    const r = await add(sb, [url, '--username', 'me'], 'page-secret')
    t.equal(r.code, 0, r.stderr)
    t.match(r.stderr, `note: that is a page of the repository ${repo}; the token is for the repository`)
    t.match(r.stdout, ` for ${repo} (`)
  }
  const scopes = (await listJson(sb)).map(x => x.scope)
  t.same(scopes.sort(), [
    'codeberg.org/me/app',
    'github.example.com/acme/app',
    'gitlab.example.com',
    'gitlab.example.com/team/app',
    'gitlab.example.com/team/sub/app',
  ])
})

t.test('small ones: a past --expires, --auth bearer on an old git', async t => {
  const sb = box('addck-small')
  const past = await add(sb, ['old.example.com', '--username', 'u', '--expires', '2020-01-01'], 's-past')
  t.equal(past.code, 2)
  t.match(past.stderr, /--expires '2020-01-01' is in the past/)
  t.same(await listJson(sb), [])
  const git = await sb.git(['--version'])
  const [, minor] = /git version 2\.(\d+)/.exec(git.stdout) ?? []
  const bearer = await add(sb, ['b.example.com', '--username', 'u', '--auth', 'bearer'], 's-bearer')
  t.equal(bearer.code, 0, bearer.stderr)
  if (Number(minor) < 46) t.match(bearer.stderr, /warning: git 2\.\d+ cannot send a Bearer token .* sends this one as Basic/)
  else t.notMatch(bearer.stderr, /Bearer/, 'a git that sends Bearer: nothing to say')
})

t.test('Launchpad serves git from git.launchpad.net: add launchpad.net suggests it', async t => {
  const sb = box('addck-lp')
  for (const typed of ['launchpad.net/~team/proj', 'https://code.launchpad.net/~team/proj']) {
    const r = await add(sb, [typed, '--username', 'bob'], 'lp-secret')
    t.equal(r.code, 2, `${typed}: a usage error`)
    t.match(r.stderr, /git on Launchpad is served from git\.launchpad\.net.*: did you mean git\.launchpad\.net\/~team\/proj\?/)
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line')
  }
  t.same(await listJson(sb), [], 'nothing saved')
  const ok = await add(sb, ['git.launchpad.net/~team/proj', '--username', 'bob'], 'lp-secret')
  t.equal(ok.code, 0, ok.stderr)
  t.match(ok.stderr, 'create the token at: https://code.launchpad.net/~team/proj/+access-tokens')
})

t.test('a Bitbucket workspace scope links the workspace access-token settings', async t => {
  const sb = box('addck-bb')
  const r = await add(sb, ['bitbucket.org/acme/*', '--name', 'acme'], 'bb-secret')
  t.equal(r.code, 0, r.stderr)
  t.match(r.stderr, 'create the token at: https://bitbucket.org/acme/workspace/settings/access-tokens')
})

t.test('one forge timeout for add and check, named with its default', async t => {
  const sb = checking('addck-slow')
  const said = /no answer within 5 s \(git config credential\.pat\.checkTimeout; default 5s\)/
  const r = await add(sb, [origin, '--provider', 'gitlab', '--name', 'slow'], S.glHang)
  t.equal(r.code, 0, r.stderr)
  t.match(r.stderr, said, 'add')
  const c = seen(await sb.pat(['check', 'slow']))
  t.equal(c.code, 1)
  t.match(c.stdout, said, 'check: the same bound, the same words')
})

t.test('no secret in any output', async t => {
  const all = outputs.join('\n')
  for (const [k, s] of Object.entries(S)) t.notMatch(all, s, `${k} never printed`)
})

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}
