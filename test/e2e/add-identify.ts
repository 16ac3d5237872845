// `add` on a host whose name says nothing of its forge:
// with the token, it asks the scope's own host which forge it is (GitLab's
// …/personal_access_tokens/self, Gitea's /api/v1/user, GitHub's
// /api/v3/user or /user), records the provider it finds with what that
// forge says of the token, and later commands use it. Loopback forges only:
// one speaking every API, and ones speaking only Gitea's, GitHub's or none.
import t from 'tap'
import { startForgeServer, type ForgeServer } from './lib/forge-server.js'
import { box, listJson } from './lib/cli.js'
import type { RunResult, Sandbox } from './lib/env.js'

const DAY = 86_400_000
const dayIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10)

const S = {
  gl: 'glpat-identify-gitlab-0001',
  glUnknown: 'glpat-identify-unknown-0002',
  tea: 'tea-identify-gitea-0003',
  gh: 'ghp_identifyGithub0004',
  plain: 'plain-identify-secret-0005',
}
const gitlab: ForgeServer = await startForgeServer([
  { token: S.gl, expiresAt: dayIn(40), login: 'alice', scopes: ['api', 'read_repository', 'write_repository'] },
])
const gitea: ForgeServer = await startForgeServer([{ token: S.tea, login: 'tea-me' }], { apis: ['gitea'] })
const github: ForgeServer = await startForgeServer([{ token: S.gh, login: 'octo', expiresAt: `${dayIn(60)}T12:00:00.000Z`, scopes: ['repo'] }], {
  apis: ['github'],
})
const none: ForgeServer = await startForgeServer([], { apis: [] })
t.teardown(async () => {
  for (const f of [gitlab, gitea, github, none]) await f.close()
})

const outputs: string[] = []
const seen = (r: RunResult) => (outputs.push(r.stdout, r.stderr), r)

/** A sandbox where add asks the forge, as it does for users (the suite turns that off elsewhere). */
function checking(name: string): Sandbox {
  const sb = box(name)
  delete sb.env.GIT_CREDENTIAL_PAT_ADD_CHECK
  return sb
}
const add = async (sb: Sandbox, args: string[], secret: string) => seen(await sb.pat(['add', ...args, '--token-stdin'], { input: secret }))
const paths = (f: ForgeServer, secret: string) => f.requests.filter(q => q.token === secret).map(q => `${q.method} ${q.path}`)

t.test('a GitLab on a neutral host: identified, its conventions and the expiry it gives recorded; rotate --api then works', async t => {
  const sb = checking('ident-gitlab')
  const r = await add(sb, [`${gitlab.url}/team/*`, '--name', 'team', '--expires', '90d'], S.gl)
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, `the forge at ${gitlab.url} answered as GitLab: provider gitlab recorded`)
  t.match(r.stdout, `added token 'team' for ${gitlab.url}/team/* (user oauth2, expires ${dayIn(40)})`)
  t.match(r.stdout, /checked: GitLab says the token is active/)
  t.match(r.stderr, `the forge says the token expires on ${dayIn(40)}, not ${dayIn(90)} as --expires said; recorded ${dayIn(40)}`)
  const [x] = await listJson(sb)
  t.match(x, { provider: 'gitlab', username: 'oauth2', expires: `${dayIn(40)}T00:00:00.000Z`, checked: { result: 'valid', login: 'alice' } })
  t.same(paths(gitlab, S.gl), ['GET /api/v4/personal_access_tokens/self', 'GET /api/v4/user'], 'asked GitLab once; nothing else')

  const rot = seen(await sb.pat(['rotate', 'team', '--api']))
  t.equal(rot.code, 0, rot.stderr)
  t.match(rot.stdout, "renewed 'team' through GitLab")
  t.ok(gitlab.token(S.gl)?.rotatedTo, 'the recorded provider took rotate --api to GitLab')
})

t.test('GitLab refuses the token: nothing saved', async t => {
  const sb = checking('ident-refused')
  const r = await add(sb, [gitlab.url, '--name', 'typo'], S.glUnknown)
  t.equal(r.code, 1)
  t.match(r.stderr, /GitLab does not accept the token \(401 Unauthorized\).*nothing was saved/)
  t.same(await listJson(sb), [])
})

t.test('Gitea/Forgejo: identified by GET /api/v1/user; its login is the username', async t => {
  const sb = checking('ident-gitea')
  const r = await add(sb, [`${gitea.url}/me/app`, '--name', 'tea'], S.tea)
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, `the forge at ${gitea.url} answered as Gitea: provider gitea recorded`)
  t.match(r.stdout, `added token 'tea' for ${gitea.url}/me/app (user tea-me,`)
  t.match((await listJson(sb))[0], { provider: 'gitea', username: 'tea-me', checked: { result: 'valid' } })
  t.same(paths(gitea, S.tea), ['GET /api/v4/personal_access_tokens/self', 'GET /api/v1/user'])
})

t.test('GitHub Enterprise: identified by GET /api/v3/user', async t => {
  const sb = checking('ident-github')
  const r = await add(sb, [github.url, '--name', 'ghe'], S.gh)
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, `the forge at ${github.url} answered as GitHub: provider github recorded`)
  t.match((await listJson(sb))[0], { provider: 'github', username: 'x-access-token', expires: `${dayIn(60)}T12:00:00.000Z` })
  t.same(paths(github, S.gh), ['GET /api/v4/personal_access_tokens/self', 'GET /api/v1/user', 'GET /api/v3/user'])
})

t.test('no forge API answers: saved as generic, with the username given; without one, a usage error', async t => {
  const sb = checking('ident-none')
  const r = await add(sb, [none.url, '--name', 'plain', '--username', 'me'], S.plain)
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, `no GitLab, Gitea or GitHub API answered at ${none.url}; saved for a generic forge (--provider sets one)`)
  t.match((await listJson(sb))[0], { provider: 'generic', username: 'me' })
  const noUser = await add(sb, [`${none.url}/x`, '--name', 'nouser'], S.plain)
  t.equal(noUser.code, 2)
  t.match(noUser.stderr, /needs your account name as username: add --username NAME/)
  t.equal((await listJson(sb)).length, 1, 'nothing more saved')
})

t.test('GIT_CREDENTIAL_PAT_ADD_CHECK=0 (the test sandboxes) and --no-check: no forge is asked', async t => {
  const before = gitlab.requests.length
  const off = box('ident-off')
  const r = await add(off, [gitlab.url, '--name', 'off', '--username', 'u'], S.gl)
  t.equal(r.code, 0, r.stderr)
  const sb = checking('ident-nocheck')
  const n = await add(sb, [gitlab.url, '--name', 'nc', '--username', 'u', '--no-check'], S.gl)
  t.equal(n.code, 0, n.stderr)
  t.equal(gitlab.requests.length, before, 'nothing asked')
  t.match((await listJson(off))[0], { provider: 'generic' })
})

t.test('no secret in any output', async t => {
  const all = outputs.join('\n')
  for (const [k, s] of Object.entries(S)) t.notMatch(all, s, `${k} never printed`)
})
