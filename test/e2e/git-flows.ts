// Real git against the loopback smart-HTTP server, with credential.helper=pat:
// the foundation's end-to-end cases.
import t from 'tap'
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sandbox, type Sandbox } from './lib/env.js'
import { startGitServer, type GitServer } from './lib/git-server.js'

const T = {
  host: 'host-wide-token-0001',
  repoA: 'repo-a-token-0002',
  repoB: 'repo-b-token-0003',
  group: 'group-token-0004',
  alice: 'alice-token-0005',
  bob: 'bob-token-0006',
  read: 'read-only-token-0007',
  wrong: 'wrong-token-0008',
  typed: 'typed-at-prompt-0009',
}

const srv: GitServer = await startGitServer({
  repos: ['group/a', 'group/sub/b', 'groupie/c', 'other/d'],
  tokens: [
    { token: T.host, paths: [''], access: 'read-write' },
    { token: T.repoA, paths: ['group/a'], access: 'read-write' },
    { token: T.repoB, paths: ['group/sub/b'], access: 'read-write' },
    { token: T.group, paths: ['group/'], access: 'read-write' },
    { token: T.alice, username: 'alice', paths: [''], access: 'read-write' },
    { token: T.bob, username: 'bob', paths: [''], access: 'read-write' },
    { token: T.read, paths: [''], access: 'read' },
    { token: T.typed, username: 'typist', paths: [''], access: 'read-write' },
  ],
})
t.teardown(() => srv.close())

const origin = `http://127.0.0.1:${srv.port}`

/** A sandbox whose global git config uses our helper. */
async function patSandbox(name: string): Promise<Sandbox> {
  const sb = sandbox(name)
  await sb.gitConfig([['credential.helper', 'pat']])
  return sb
}

/** Tokens the server saw (with credentials) for a repo since `from`. */
const seen = (repo: string, from: number) => srv.tokensSeen(repo, from)

const tokens = (sb: Sandbox) => sb.tokens()

t.test('clone and push with one host-wide token', async t => {
  const sb = await patSandbox('host')
  await sb.addToken(origin, T.host, ['--username', 'ci', '--name', 'host'])
  const from = srv.requests.length
  const clone = await sb.git(['clone', srv.url('other/d'), 'd'])
  t.equal(clone.code, 0, clone.stderr)
  writeFileSync(join(sb.dir, 'd', 'new.txt'), 'hello\n')
  await sb.git(['add', 'new.txt'], { cwd: join(sb.dir, 'd') })
  await sb.git(['commit', '-qm', 'new'], { cwd: join(sb.dir, 'd') })
  const push = await sb.git(['push', 'origin', 'HEAD:main'], { cwd: join(sb.dir, 'd') })
  t.equal(push.code, 0, push.stderr)
  const local = (await sb.git(['rev-parse', 'HEAD'], { cwd: join(sb.dir, 'd') })).stdout.trim()
  t.equal(await srv.revParse('other/d'), local, 'the push reached the server')
  t.same(seen('other/d', from), [T.host], 'only the host token was sent')
  t.notMatch(clone.stderr + push.stderr, T.host, 'the token is not on git stderr')
})

t.test('two repositories on one host with their own tokens', async t => {
  const sb = await patSandbox('repos')
  await sb.addToken(`${origin}/group/a`, T.repoA, ['--username', 'ci', '--name', 'a'])
  await sb.addToken(`${origin}/group/sub/b`, T.repoB, ['--username', 'ci', '--name', 'b'])
  const from = srv.requests.length
  t.equal((await sb.git(['clone', srv.url('group/a'), 'a'])).code, 0)
  t.equal((await sb.git(['clone', srv.url('group/sub/b'), 'b'])).code, 0)
  t.same(seen('group/a', from), [T.repoA])
  t.same(seen('group/sub/b', from), [T.repoB])
})

t.test('a group token serves group/a and group/sub/b, not groupie/c', async t => {
  const sb = await patSandbox('group')
  await sb.addToken(`${origin}/group/*`, T.group, ['--username', 'ci', '--name', 'g'])
  const from = srv.requests.length
  t.equal((await sb.git(['clone', srv.url('group/a'), 'a'])).code, 0)
  t.equal((await sb.git(['clone', srv.url('group/sub/b'), 'b'])).code, 0)
  const c = await sb.git(['clone', srv.url('groupie/c'), 'c'])
  t.not(c.code, 0, 'groupie/c is not under group/')
  t.same(seen('group/a', from), [T.group])
  t.same(seen('group/sub/b', from), [T.group])
  t.same(seen('groupie/c', from), [], 'the group token never went to groupie/c')
})

t.test('a repo token is not sent without credential.useHttpPath, and add sets it', async t => {
  const sb = await patSandbox('usehttppath')
  const added = await sb.addToken(`${origin}/group/a`, T.repoA, ['--username', 'ci', '--name', 'a'])
  t.match(added.stdout, /useHttpPath/)
  const cfg = await sb.git(['config', '--global', '--get', `credential.${origin}.useHttpPath`])
  t.equal(cfg.stdout.trim(), 'true', 'add set useHttpPath for the host')
  await sb.git(['config', '--global', '--unset', `credential.${origin}.useHttpPath`])
  const from = srv.requests.length
  const r = await sb.git(['clone', srv.url('group/a'), 'a'])
  t.not(r.code, 0, 'without the path git gets no token')
  t.same(seen('group/a', from), [], 'the repo token was not sent')
})

t.test('alice@ and bob@ on one host get their own tokens', async t => {
  const sb = await patSandbox('users')
  await sb.addToken(origin, T.alice, ['--username', 'alice', '--name', 'alice'])
  await sb.addToken(origin, T.bob, ['--username', 'bob', '--name', 'bob'])
  const from = srv.requests.length
  t.equal((await sb.git(['clone', srv.url('group/a', { username: 'alice' }), 'a'])).code, 0)
  t.equal((await sb.git(['clone', srv.url('other/d', { username: 'bob' }), 'd'])).code, 0)
  t.same(seen('group/a', from), [T.alice])
  t.same(seen('other/d', from), [T.bob])
  const users = srv.requests
    .slice(from)
    .filter(q => q.token)
    .map(q => `${q.username}:${q.path}`)
  t.ok(
    users.every(u => u === 'alice:group/a' || u === 'bob:other/d'),
    'usernames match their tokens',
  )
})

t.test('a read-only token: push refused with 403, token kept', async t => {
  const sb = await patSandbox('readonly')
  await sb.addToken(origin, T.read, ['--username', 'ci', '--name', 'ro', '--access', 'read'])
  t.equal((await sb.git(['clone', srv.url('other/d'), 'd'])).code, 0)
  const dir = join(sb.dir, 'd')
  await sb.git(['commit', '--allow-empty', '-qm', 'x'], { cwd: dir })
  const from = srv.requests.length
  const push = await sb.git(['push', 'origin', 'HEAD:main'], { cwd: dir })
  t.not(push.code, 0)
  t.ok(
    srv.requests.slice(from).some(q => q.status === 403),
    'the server answered 403',
  )
  const list = await tokens(sb)
  t.same(
    list.map(x => [x.name, x.state]),
    [['ro', 'active']],
    'the token is still there and active',
  )
})

t.test('a wrong token: 401, erase marks it rejected, next fetch uses the next token', async t => {
  const sb = await patSandbox('wrong')
  await sb.addToken(origin, T.host, ['--username', 'ci', '--name', 'good', '--expires', '2099-01-01'])
  // Same scope, later expiry: ranked first, so it is tried first.
  await sb.addToken(origin, T.wrong, ['--username', 'ci', '--name', 'bad', '--expires', '2099-06-01'])
  let from = srv.requests.length
  const first = await sb.git(['clone', srv.url('other/d'), 'd'])
  t.not(first.code, 0, 'the wrong token fails')
  t.same(seen('other/d', from), [T.wrong])
  const list = await tokens(sb)
  t.equal(list.find(x => x.name === 'bad')?.state, 'rejected', 'bad is marked rejected, not deleted')
  t.equal(list.find(x => x.name === 'good')?.state, 'active')
  from = srv.requests.length
  const second = await sb.git(['clone', srv.url('other/d'), 'd2'])
  t.equal(second.code, 0, second.stderr)
  t.same(seen('other/d', from), [T.host], 'the next matching token is used')
  const shown = await sb.pat(['list'])
  t.match(shown.stdout, /rejected/)
  t.notMatch(shown.stdout, T.wrong)
})

t.test("a credential typed at git's prompt is stored and used next time", async t => {
  const sb = await patSandbox('askpass')
  const askpass = join(sb.dir, 'askpass.sh')
  const log = join(sb.dir, 'askpass.log')
  writeFileSync(
    askpass,
    // Our own prompt asks first (askpass too); an empty token declines it, so git asks.
    `#!/bin/sh\necho "$1" >> '${log}'\ncase "$1" in Username*) echo typist ;; Password*) echo '${T.typed}' ;; *) echo ;; esac\n`,
  )
  chmodSync(askpass, 0o755)
  let from = srv.requests.length
  const first = await sb.git(['clone', srv.url('other/d'), 'd'], { env: { GIT_ASKPASS: askpass } })
  t.equal(first.code, 0, first.stderr)
  t.same(seen('other/d', from), [T.typed])
  const list = await tokens(sb)
  t.same(
    list.map(x => [x.scope, x.username, x.origin]),
    [[origin, 'typist', 'store']],
    'store saved it scoped to what git sent',
  )
  writeFileSync(askpass, '#!/bin/sh\necho asked >&2\nexit 1\n')
  from = srv.requests.length
  const second = await sb.git(['clone', srv.url('other/d'), 'd2'], { env: { GIT_ASKPASS: askpass } })
  t.equal(second.code, 0, second.stderr)
  t.notMatch(second.stderr, /asked/, 'no prompt the second time')
  t.same(seen('other/d', from), [T.typed])
})
