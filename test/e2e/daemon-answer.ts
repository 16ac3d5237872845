// The daemon answering a whole get or store (src/git/via-daemon.ts
// and src/daemon/helper-answer.ts), end to end: for every kind of request,
// what git sees (stdout, stderr, exit) is the same whether the daemon
// answered it or the process did it itself, and the daemon answers exactly
// the everyday ones. GIT_CREDENTIAL_PAT_LOG set makes a process do the
// request itself (the daemon logs with its own settings).
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { cleanup, dsandbox, requests, start } from './lib/daemon.js'
import { startGitServer } from './lib/git-server.js'
import type { Sandbox } from './lib/env.js'

const HOST = 'gitlab.example.com'
const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10)
const SECRET = { repo: 'glpat-repo-00000000001', group: 'glpat-group-0000000002', host: 'glpat-host-00000000003', old: 'glpat-old-000000000004' }
const SECRETS = [...Object.values(SECRET), 'glpat-off-000000000005', 'glpat-near-00000000006', 'glpat-env-000000000007']

async function tokens(sb: Sandbox): Promise<void> {
  await sb.addToken(`${HOST}/team/app`, SECRET.repo, ['--name', 'repo', '--expires', day(90)])
  await sb.addToken(`${HOST}/team/*`, SECRET.group, ['--name', 'group', '--expires', day(90)])
  await sb.addToken(HOST, SECRET.host, ['--name', 'host'])
  await sb.addToken(`${HOST}/old/*`, SECRET.old, ['--name', 'old', '--expires', '2020-01-01', '--force'])
  await sb.addToken(`${HOST}/off/*`, SECRETS[4], ['--name', 'off'])
  if ((await sb.pat(['disable', 'off'])).code !== 0) throw new Error('disable failed')
  await sb.addToken('near.example.com', SECRETS[5], ['--name', 'near', '--expires', day(3), '--username', 'u'])
  await sb.addToken('env.example.com', '', ['--name', 'env', '--source', 'env:PAT_E2E_TOKEN', '--username', 'u'])
  // Warn on every get, so the two runs of a near-expiry request both warn.
  await sb.gitConfig([['credential.pat.warnInterval', '0']])
}

const ask = (host: string, path?: string) => `protocol=https\nhost=${host}\n${path ? `path=${path}\n` : ''}\n`

/** Requests, and whether the daemon may answer them whole once its cache is warm. */
const CASES: Array<[string, string, boolean]> = [
  ['repository token', ask(HOST, 'team/app.git'), true],
  ['group token', ask(HOST, 'team/other.git'), true],
  ['host token, no path', ask(HOST), true],
  ['host token under another path', ask(HOST, 'x/y.git'), true],
  ['an expired token ranks first: named, then the host token', ask(HOST, 'old/z.git'), true],
  ['a disabled token ranks first: named, then the host token', ask(HOST, 'off/z.git'), true],
  ['expiry warning due', ask('near.example.com'), false],
  ['env: source', ask('env.example.com'), false],
  ['no token: nothing (no terminal to ask at)', ask('nothing.example.com'), false],
  ['not http', 'protocol=ssh\nhost=gitlab.example.com\n\n', true],
]

t.test('every request: the same answer from the daemon as from the process; only the everyday ones from the daemon', async t => {
  const sb = dsandbox('answer')
  sb.env.PAT_E2E_TOKEN = SECRETS[6]
  t.teardown(() => cleanup(sb))
  await tokens(sb)
  await start(sb)
  // Warm the cache the way git does: the process reads each secret once and hands it to the daemon.
  for (const [, input] of CASES) await sb.pat(['get'], { input, env: { GIT_CREDENTIAL_PAT_LOG: 'info' } })

  for (const [why, input, byDaemon] of CASES) {
    const before = requests(sb).length
    const fast = await sb.pat(['get'], { input })
    const answered = requests(sb).slice(before)
    const slow = await sb.pat(['get'], { input, env: { GIT_CREDENTIAL_PAT_LOG: 'info' } })
    t.same(
      { code: fast.code, stdout: fast.stdout, stderr: fast.stderr },
      { code: slow.code, stdout: slow.stdout, stderr: slow.stderr },
      `${why}: the same stdout, stderr and exit`,
    )
    t.equal(
      answered.some(r => r.answeredBy === 'daemon'),
      byDaemon,
      `${why}: ${byDaemon ? 'answered by the daemon' : 'done by the process'}`,
    )
    // Without the libc bindings (runtime/libc.ts), as Bun runs elsewhere: node:fs and Bun.connect.
    const before2 = requests(sb).length
    const plain = await sb.pat(['get'], { input, env: { GIT_CREDENTIAL_PAT_NO_FFI: '1' } })
    t.same(
      { code: plain.code, stdout: plain.stdout, stderr: plain.stderr },
      { code: fast.code, stdout: fast.stdout, stderr: fast.stderr },
      `${why}: the same without libc`,
    )
    t.equal(
      requests(sb)
        .slice(before2)
        .some(r => r.answeredBy === 'daemon'),
      byDaemon,
      `${why}: without libc too, ${byDaemon ? 'answered by the daemon' : 'done by the process'}`,
    )
  }
  t.match((await sb.pat(['get'], { input: ask(HOST, 'team/app.git') })).stdout, `password=${SECRET.repo}`, 'the repository token, not the group one')
})

t.test('store: git confirming the token just given is answered by the daemon and writes nothing; a new secret is saved by the process', async t => {
  const sb = dsandbox('answer-store')
  t.teardown(() => cleanup(sb))
  await sb.addToken(HOST, SECRET.host, ['--name', 'host'])
  await start(sb)
  const input = ask(HOST)
  await sb.pat(['get'], { input }) // the process reads the keychain and fills the cache
  const confirm = `protocol=https\nhost=${HOST}\nusername=oauth2\npassword=${SECRET.host}\n\n`
  t.equal((await sb.pat(['store'], { input: confirm })).code, 0, 'the first confirmation records the last use (the process)')
  const file = join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')
  const metadata = readFileSync(file, 'utf8')
  const before = requests(sb).length
  const r = await sb.pat(['store'], { input: confirm })
  t.same({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 0, stdout: '', stderr: '' })
  t.match(requests(sb).slice(before), [{ op: 'store', answeredBy: 'daemon', outcome: 'used', name: 'host' }], 'answered by the daemon')
  t.equal(readFileSync(file, 'utf8'), metadata, 'nothing written')

  const other = `protocol=https\nhost=${HOST}\nusername=someone\npassword=glpat-typed-elsewhere-8\n\n`
  t.equal((await sb.pat(['store'], { input: other })).code, 0)
  t.match((await sb.tokens()).map(x => x.username).sort(), ['oauth2', 'someone'], 'a credential that is not ours is saved by the process, as before')
})

t.test('real git through the daemon: a clone sends the right token, and the daemon answered its get', async t => {
  const srv = await startGitServer({ tokens: [{ username: 'oauth2', token: SECRET.repo, paths: ['team/app'], access: 'read-write' }], repos: ['team/app'] })
  t.teardown(() => srv.close())
  const sb = dsandbox('answer-git')
  t.teardown(() => cleanup(sb))
  const origin = `http://127.0.0.1:${srv.port}`
  await sb.addToken(`${origin}/team/app`, SECRET.repo, ['--name', 'repo', '--username', 'oauth2'])
  await sb.gitConfig([['credential.helper', 'pat']])
  await start(sb)
  const url = srv.url('team/app')
  t.equal((await sb.git(['ls-remote', url])).code, 0, 'first: the process reads the keychain')
  const before = requests(sb).length
  srv.requests.length = 0
  const r = await sb.git(['ls-remote', url])
  t.equal(r.code, 0, r.stderr)
  t.ok(
    srv.requests.some(q => q.token === SECRET.repo),
    'the server got the repository token',
  )
  t.match(requests(sb).slice(before), [{ op: 'get', answeredBy: 'daemon', name: 'repo' }], 'git’s get came from the daemon')
})
