// A 401 in the middle of work is not silent: real `git clone` against the
// loopback git server, the loopback forge answering as GitLab's token API.
// When erase marks one of our tokens rejected, git's stderr carries one line
// in that same git command: which token, that it is now rejected, and the
// command that renews it; never the secret. A token the forge still vouches
// for stays active and is said to; an erase of something not ours is silent.
import t from 'tap'
import { sandbox, type Sandbox } from './lib/env.js'
import { startGitServer, type GitServer } from './lib/git-server.js'
import { startForgeServer, type ForgeServer } from './lib/forge-server.js'

const T = {
  revoked: 'glpat-refused-revoked-0101',
  lost: 'glpat-refused-noforge-0102',
  valid: 'glpat-refused-valid-0103',
  other: 'glpat-refused-other-0104',
  stored: 'stored-refused-0105',
}

const srv: GitServer = await startGitServer({
  repos: ['team/lib', 'team/app', 'denied/x'],
  // The revoked and "lost" secrets are unknown to the git server: every use is a 401.
  tokens: [{ token: T.valid, paths: [''], access: 'read-write' }],
})
const forge: ForgeServer = await startForgeServer([
  { token: T.revoked, revoked: true },
  { token: T.valid, login: 'ci', expiresAt: '2099-01-01', scopes: ['read_repository'] },
])
t.teardown(async () => {
  await srv.close()
  await forge.close()
})
const origin = `http://127.0.0.1:${srv.port}`

/** git using our helper; the forge API of the loopback host is the loopback forge (or `api`). */
async function patSandbox(name: string, api = forge.url): Promise<Sandbox> {
  const sb = sandbox(name)
  sb.env.GIT_CREDENTIAL_PAT_DAEMON = 'never'
  await sb.gitConfig([
    ['credential.helper', 'pat'],
    [`credential.${origin}.patApiUrl`, api],
  ])
  return sb
}

const notices = (stderr: string) => stderr.split('\n').filter(l => l.startsWith('git-credential-pat: the server refused token'))

t.test('a revoked GitLab token: clone fails, and git says which token, that it is now rejected, and rotate NAME', async t => {
  const sb = await patSandbox('refused-revoked')
  await sb.addToken(`${origin}/team/*`, T.revoked, ['--name', 'team-lib', '--provider', 'gitlab'])
  const r = await sb.git(['clone', srv.url('team/lib'), 'lib'])
  t.not(r.code, 0, 'the clone fails')
  t.match(r.stderr, /Authentication failed/, "git's own message is still there")
  const lines = notices(r.stderr)
  t.equal(lines.length, 1, r.stderr)
  t.match(
    lines[0],
    `git-credential-pat: the server refused token 'team-lib' (${origin}/team/*) for ${origin}/team/lib.git (GitLab says it is revoked); it is now marked rejected and will not be sent again. Renew it: git-credential-pat rotate team-lib`,
  )
  t.notMatch(lines[0], '--api', 'a revoked token cannot renew itself through GitLab')
  t.match(lines[0], 'personal_access_tokens?name=team-lib', "and the forge's token page")
  t.notMatch(r.stderr, T.revoked, 'never the secret')
  t.equal((await sb.tokens())[0].state, 'rejected')

  // The next run skips it (get says so); erase does not run again, nothing new is said.
  const again = await sb.git(['clone', srv.url('team/lib'), 'lib2'])
  t.not(again.code, 0)
  t.equal(notices(again.stderr).length, 0, again.stderr)
  t.match(again.stderr, "token 'team-lib'")
})

t.test('GitLab not answering: the line offers rotate NAME --api', async t => {
  const sb = await patSandbox('refused-noforge', 'http://127.0.0.1:1')
  await sb.addToken(`${origin}/team/*`, T.lost, ['--name', 'lost', '--provider', 'gitlab'])
  const r = await sb.git(['clone', srv.url('team/app'), 'app'])
  t.not(r.code, 0)
  const lines = notices(r.stderr)
  t.equal(lines.length, 1, r.stderr)
  t.match(lines[0], /it is now marked rejected and will not be sent again\. Renew it: git-credential-pat rotate lost --api /)
  t.notMatch(r.stderr, T.lost)
})

t.test('the forge says the token is valid: it stays active, and git says so', async t => {
  const sb = await patSandbox('refused-valid')
  await sb.addToken(origin, T.valid, ['--name', 'host', '--provider', 'gitlab', '--username', 'ci'])
  srv.denyRepo('denied/x')
  t.teardown(() => srv.allowRepo('denied/x'))
  const r = await sb.git(['clone', srv.url('denied/x'), 'x'])
  t.not(r.code, 0)
  const lines = notices(r.stderr)
  t.equal(lines.length, 1, r.stderr)
  t.match(lines[0], `the server refused token 'host' (${origin}) for ${origin}, but GitLab says the token is valid: it stays active`)
  t.notMatch(lines[0], 'marked rejected')
  t.notMatch(r.stderr, T.valid)
  t.equal((await sb.tokens())[0].state, 'active')
})

t.test('an erase of something not ours says nothing', async t => {
  const sb = await patSandbox('refused-not-ours')
  await sb.addToken(`${origin}/team/*`, T.valid, ['--name', 'mine', '--provider', 'gitlab'])
  // Another secret for the same URL (another helper's): not ours, never touched.
  const rej = await sb.git(['credential', 'reject'], { input: `url=${origin}/team/lib.git\nusername=oauth2\npassword=${T.other}\n\n` })
  t.equal(rej.code, 0, rej.stderr)
  t.equal(rej.stderr, '', 'nothing said')
  t.equal((await sb.tokens())[0].state, 'active')

  // A credential git stored after a success is deleted as credential-store would: no notice.
  const st = await sb.pat(['store'], { input: `protocol=https\nhost=stored.example\nusername=u\npassword=${T.stored}\n\n` })
  t.equal(st.code, 0, st.stderr)
  const er = await sb.pat(['erase'], { input: `protocol=https\nhost=stored.example\nusername=u\npassword=${T.stored}\n\n` })
  t.equal(er.code, 0, er.stderr)
  t.equal(er.stderr, '', 'nothing said')
  t.same(
    (await sb.tokens()).map(x => x.name),
    ['mine'],
  )
})
