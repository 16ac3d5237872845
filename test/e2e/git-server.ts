// Tests of the loopback git smart-HTTP server itself (test/e2e/lib/git-server.ts),
// driven by plain git with credentials in URLs, http.extraHeader or
// GIT_ASKPASS: no credential helper is involved.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync, chmodSync, rmSync } from 'node:fs'
import http from 'node:http'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { sandbox, type RunResult } from './lib/env.js'
import { startGitServer, pathCovers, normalizeRepoPath, type GitServer } from './lib/git-server.js'

const sb = sandbox('git-server')
/** Plain git with every credential helper switched off. */
const git = (args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) => sb.git(['-c', 'credential.helper=', ...args], o)

let dirCount = 0
const freshDir = (name: string) => join(sb.dir, `${name}-${++dirCount}`)

const ok = (r: RunResult) => r.code === 0

/**
 * Requests that carried credentials. curl (with git's CURLAUTH_ANY) first asks
 * without any, even when the URL embeds them, and sends them after the 401.
 */
const authed = () => srv.requests.filter(q => q.token !== null)

interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
}

/** One raw HTTP request; `chunked` sends the body without Content-Length. */
function request(url: string, o: { method?: string; headers?: Record<string, string>; body?: Buffer; chunked?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...o.headers }
    if (o.body && !o.chunked) headers['Content-Length'] = String(o.body.length)
    const req = http.request(url, { method: o.method ?? 'GET', headers }, res => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    if (o.body && o.chunked) {
      // Two writes without Content-Length: Node sends Transfer-Encoding: chunked.
      const half = Math.floor(o.body.length / 2)
      req.write(o.body.subarray(0, half))
      req.end(o.body.subarray(half))
    } else req.end(o.body)
  })
}

const basic = (user: string, pass: string) => 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64')

/** A pkt-line (gitprotocol-common: four hex digits of length, then the data). */
const pkt = (s: string) => (s.length + 4).toString(16).padStart(4, '0') + s

const TOKENS = {
  all: 'glpat-all-rw-0001',
  read: 'glpat-read-only-0002',
  group: 'glpat-group-rw-0003',
  alice: 'glpat-alice-only-0004',
  unused: 'glpat-never-sent-0005',
}

const srv: GitServer = await startGitServer({
  tmpDir: sb.dir,
  repos: ['group/a', 'group/sub/b', 'groupie/c'],
  tokens: [
    { token: TOKENS.all, paths: [''], access: 'read-write' },
    { token: TOKENS.read, paths: [''], access: 'read' },
    { token: TOKENS.group, paths: ['group/'], access: 'read-write' },
    { token: TOKENS.alice, username: 'alice', paths: ['group/a'], access: 'read-write' },
    { token: TOKENS.unused, paths: [''], access: 'read-write' },
  ],
})
t.teardown(async () => {
  await srv.close()
  rmSync(sb.dir, { recursive: true, force: true })
})

t.beforeEach(() => {
  srv.requests.length = 0
  srv.denyStatus = 401
})

t.test('path helpers', async t => {
  t.equal(normalizeRepoPath('/group/a.git/'), 'group/a')
  t.ok(pathCovers('', 'x/y'))
  t.ok(pathCovers('group/', 'group/a'))
  t.ok(pathCovers('group/*', 'group/sub/b'))
  t.ok(pathCovers('group', 'group/a'))
  t.ok(pathCovers('group/a.git', 'group/a'))
  t.notOk(pathCovers('group/', 'groupie/c'))
  t.notOk(pathCovers('group/a', 'group/a-fork'))
})

t.test('url()', async t => {
  t.equal(srv.url('group/a'), `http://127.0.0.1:${srv.port}/group/a.git`)
  t.equal(srv.url('group/a.git', { username: 'bob' }), `http://bob@127.0.0.1:${srv.port}/group/a.git`)
  t.equal(srv.url('group/a', { username: 'u@x', password: 'p:w', host: 'localhost' }), `http://u%40x:p%3Aw@localhost:${srv.port}/group/a.git`)
})

t.test('clone with a URL-embedded token', async t => {
  const dir = freshDir('clone')
  const r = await git(['clone', srv.url('group/a', { username: 'oauth2', password: TOKENS.all }), dir])
  t.ok(ok(r), r.stderr)
  t.equal(readFileSync(join(dir, 'README.md'), 'utf8'), '# group/a\n')
  const head = await git(['-C', dir, 'rev-parse', 'HEAD'])
  t.equal(head.stdout.trim(), await srv.revParse('group/a'))
  const served = srv.requests.filter(q => q.status === 200)
  t.ok(served.length >= 2, 'info/refs and upload-pack were served')
  t.ok(served.every(q => q.path === 'group/a' && q.service === 'git-upload-pack' && q.username === 'oauth2'))
  t.match(srv.requests[0], { method: 'GET', host: '127.0.0.1', url: '/group/a.git/info/refs?service=git-upload-pack' })
})

t.test('a URL without .git reaches the same repository', async t => {
  const dir = freshDir('nogit')
  const url = srv.url('group/a', { username: 'u', password: TOKENS.all }).replace(/\.git$/, '')
  const r = await git(['clone', url, dir])
  t.ok(ok(r), r.stderr)
  t.ok(srv.requests.every(q => q.path === 'group/a'))
})

t.test('no credentials: 401 with WWW-Authenticate, git fails without prompting', async t => {
  const res = await request(`${srv.url('group/a')}/info/refs?service=git-upload-pack`)
  t.equal(res.status, 401)
  t.equal(res.headers['www-authenticate'], 'Basic realm="test"')

  const r = await git(['clone', srv.url('group/a'), freshDir('anon')], { env: { GIT_TERMINAL_PROMPT: '0' } })
  t.not(r.code, 0)
  t.match(r.stderr, /terminal prompts disabled|Authentication failed/)
  t.ok(srv.requests.length > 0)
  t.ok(srv.requests.every(q => q.status === 401 && q.token === null && q.username === null))
})

t.test('unknown token or wrong username is 401', async t => {
  let r = await git(['clone', srv.url('group/a', { username: 'x', password: 'glpat-bogus' }), freshDir('bogus')])
  t.not(r.code, 0)
  t.match(r.stderr, /Authentication failed/)
  t.equal(srv.requests.at(-1)?.status, 401)
  t.equal(srv.requests.at(-1)?.token, 'glpat-bogus')

  r = await git(['clone', srv.url('group/a', { username: 'mallory', password: TOKENS.alice }), freshDir('mallory')])
  t.not(r.code, 0, 'token bound to alice refused for mallory')
  t.equal(srv.requests.at(-1)?.status, 401)

  r = await git(['clone', srv.url('group/a', { username: 'alice', password: TOKENS.alice }), freshDir('alice')])
  t.ok(ok(r), r.stderr)
})

t.test('read token clones but cannot push (403)', async t => {
  const dir = freshDir('read')
  let r = await git(['clone', srv.url('group/sub/b', { username: 'u', password: TOKENS.read }), dir])
  t.ok(ok(r), r.stderr)
  const before = await srv.revParse('group/sub/b')
  writeFileSync(join(dir, 'new.txt'), 'new\n')
  t.ok(ok(await git(['-C', dir, 'add', 'new.txt'])))
  t.ok(ok(await git(['-C', dir, 'commit', '-qm', 'new'])))
  srv.requests.length = 0
  r = await git(['-C', dir, 'push', 'origin', 'main'])
  t.not(r.code, 0)
  t.match(r.stderr, /403/)
  t.match(authed(), [{ method: 'GET', service: 'git-receive-pack', token: TOKENS.read, status: 403 }])
  t.equal(await srv.revParse('group/sub/b'), before, 'bare repository unchanged')

  // A POST straight to git-receive-pack is refused the same way.
  const res = await request(`${srv.url('group/sub/b')}/git-receive-pack`, {
    method: 'POST',
    headers: { Authorization: basic('u', TOKENS.read), 'Content-Type': 'application/x-git-receive-pack-request' },
    body: Buffer.from('0000'),
  })
  t.equal(res.status, 403)
})

t.test('read-write token pushes', async t => {
  const dir = freshDir('rw')
  let r = await git(['clone', srv.url('group/a', { username: 'u', password: TOKENS.all }), dir])
  t.ok(ok(r), r.stderr)
  writeFileSync(join(dir, 'pushed.txt'), 'pushed\n')
  t.ok(ok(await git(['-C', dir, 'add', 'pushed.txt'])))
  t.ok(ok(await git(['-C', dir, 'commit', '-qm', 'pushed'])))
  const local = (await git(['-C', dir, 'rev-parse', 'HEAD'])).stdout.trim()
  r = await git(['-C', dir, 'push', 'origin', 'main'])
  t.ok(ok(r), r.stderr)
  t.equal(await srv.revParse('group/a'), local, 'pushed commit is in the bare repository')
  t.ok(srv.requests.some(q => q.method === 'POST' && q.service === 'git-receive-pack' && q.status === 200))

  // A new branch too.
  r = await git(['-C', dir, 'push', 'origin', 'main:refs/heads/topic'])
  t.ok(ok(r), r.stderr)
  t.equal(await srv.revParse('group/a', 'topic'), local)
})

t.test('a push larger than http.postBuffer (chunked request body)', async t => {
  const dir = freshDir('big')
  t.ok(ok(await git(['clone', srv.url('groupie/c', { username: 'u', password: TOKENS.all }), dir])))
  writeFileSync(join(dir, 'big.bin'), randomBytes(3 * 1024 * 1024))
  t.ok(ok(await git(['-C', dir, 'add', 'big.bin'])))
  t.ok(ok(await git(['-C', dir, 'commit', '-qm', 'big'])))
  const r = await git(['-C', dir, 'push', 'origin', 'main'])
  t.ok(ok(r), r.stderr)
  t.equal(await srv.revParse('groupie/c'), (await git(['-C', dir, 'rev-parse', 'HEAD'])).stdout.trim())
})

t.test('path scoping', async t => {
  const url = (p: string) => srv.url(p, { username: 'u', password: TOKENS.group })
  t.ok(ok(await git(['clone', url('group/a'), freshDir('scope')])), 'group/ token clones group/a')
  t.ok(ok(await git(['clone', url('group/sub/b'), freshDir('scope')])), 'and group/sub/b')
  srv.requests.length = 0
  const r = await git(['clone', url('groupie/c'), freshDir('scope')])
  t.not(r.code, 0, 'but not groupie/c')
  t.match(authed(), [{ path: 'groupie/c', token: TOKENS.group, status: 401 }])

  srv.denyStatus = 404
  const res = await request(`${srv.url('groupie/c')}/info/refs?service=git-upload-pack`, {
    headers: { Authorization: basic('u', TOKENS.group) },
  })
  t.equal(res.status, 404, 'denyStatus 404')
  t.equal(res.headers['www-authenticate'], undefined)
})

t.test('denyRepo', async t => {
  srv.denyRepo('group/sub/b.git')
  t.teardown(() => srv.allowRepo('group/sub/b'))
  const r = await git(['clone', srv.url('group/sub/b', { username: 'u', password: TOKENS.all }), freshDir('deny')])
  t.not(r.code, 0)
  t.match(r.stderr, /Authentication failed/)
  t.match(authed(), [{ path: 'group/sub/b', token: TOKENS.all, status: 401 }])
  t.ok(ok(await git(['clone', srv.url('group/a', { username: 'u', password: TOKENS.all }), freshDir('deny')])))
  srv.allowRepo('group/sub/b')
  t.ok(ok(await git(['clone', srv.url('group/sub/b', { username: 'u', password: TOKENS.all }), freshDir('deny')])))
})

t.test('request log and tokensSeen', async t => {
  await git(['clone', srv.url('group/a', { username: 'u', password: TOKENS.read }), freshDir('log')])
  await git(['clone', srv.url('groupie/c', { username: 'u', password: TOKENS.group }), freshDir('log')])
  await git(['clone', srv.url('groupie/c', { username: 'u', password: TOKENS.all }), freshDir('log')])
  t.same(srv.tokensSeen(), [TOKENS.read, TOKENS.group, TOKENS.all])
  t.same(srv.tokensSeen('groupie/c'), [TOKENS.group, TOKENS.all])
  t.same(srv.tokensSeen('group/a.git'), [TOKENS.read])
  t.notOk(srv.tokensSeen().includes(TOKENS.unused))
  for (const q of srv.requests) t.ok(q.status > 0, `${q.method} ${q.url} has a status`)
})

t.test('removeToken', async t => {
  srv.addToken({ token: 'glpat-temp', paths: [''], access: 'read' })
  t.ok(ok(await git(['clone', srv.url('group/a', { username: 'u', password: 'glpat-temp' }), freshDir('rm')])))
  t.equal(srv.removeToken('glpat-temp'), true)
  t.equal(srv.removeToken('glpat-temp'), false)
  const r = await git(['clone', srv.url('group/a', { username: 'u', password: 'glpat-temp' }), freshDir('rm')])
  t.not(r.code, 0)
  t.equal(srv.requests.at(-1)?.status, 401)
})

t.test('localhost is a second host name for the same server', async t => {
  const r = await git(['clone', srv.url('group/a', { username: 'u', password: TOKENS.all, host: 'localhost' }), freshDir('lh')])
  t.ok(ok(r), r.stderr)
  t.ok(srv.requests.length > 0 && srv.requests.every(q => q.host === 'localhost'))
})

t.test('credentials from http.extraHeader and from GIT_ASKPASS', async t => {
  let r = await git(['-c', `http.extraHeader=Authorization: ${basic('u', TOKENS.all)}`, 'clone', srv.url('group/a'), freshDir('xh')])
  t.ok(ok(r), r.stderr)
  t.ok(srv.requests.every(q => q.token === TOKENS.all && q.status === 200))

  srv.requests.length = 0
  const askpass = join(sb.dir, 'askpass.sh')
  writeFileSync(askpass, '#!/bin/sh\ncase "$1" in\n  Username*) echo alice ;;\n  *) echo "$TEST_TOKEN" ;;\nesac\n')
  chmodSync(askpass, 0o755)
  r = await git(['clone', srv.url('group/a'), freshDir('askpass')], {
    env: { GIT_ASKPASS: askpass, TEST_TOKEN: TOKENS.alice, GIT_TERMINAL_PROMPT: '0' },
  })
  t.ok(ok(r), r.stderr)
  t.equal(srv.requests[0]?.status, 401, 'first request without credentials')
  t.match(srv.requests.at(-1), { username: 'alice', token: TOKENS.alice, status: 200 })
})

t.test('protocol v2 over gzip and chunked request bodies', async t => {
  const body = Buffer.from(pkt('command=ls-refs\n') + '0001' + pkt('peel\n') + '0000')
  const headers = {
    Authorization: basic('u', TOKENS.all),
    'Content-Type': 'application/x-git-upload-pack-request',
    'Git-Protocol': 'version=2',
  }
  const url = `${srv.url('groupie/c')}/git-upload-pack`
  const want = `refs/heads/main`
  const plain = await request(url, { method: 'POST', headers, body })
  t.equal(plain.status, 200)
  t.equal(plain.headers['content-type'], 'application/x-git-upload-pack-result')
  t.match(plain.body.toString(), want)

  const gz = await request(url, {
    method: 'POST',
    headers: { ...headers, 'Content-Encoding': 'gzip' },
    body: gzipSync(body),
    chunked: true,
  })
  t.equal(gz.status, 200)
  t.equal(gz.body.toString(), plain.body.toString(), 'same answer for a gzipped, chunked body')

  const adv = await request(`${srv.url('groupie/c')}/info/refs?service=git-upload-pack`, { headers })
  t.match(adv.body.toString(), /version 2/, 'Git-Protocol header reaches http-backend')
})

t.test('unknown repository and non-git paths are 404 with a valid token', async t => {
  const auth = { Authorization: basic('u', TOKENS.all) }
  const missing = await request(`${srv.url('group/missing')}/info/refs?service=git-upload-pack`, { headers: auth })
  t.equal(missing.status, 404)
  const junk = await request(`http://127.0.0.1:${srv.port}/not-a-repo`, { headers: auth })
  t.equal(junk.status, 404)
  // An encoded '/' cannot smuggle a '..' segment past the path check.
  const dotdot = await request(`http://127.0.0.1:${srv.port}/group%2F..%2Fgroupie/c.git/info/refs`, { headers: auth })
  t.equal(dotdot.status, 404)
  t.equal(srv.requests.at(-1)?.path, null)
})

t.test('close removes the temporary directory', async t => {
  const other = await startGitServer({ tmpDir: sb.dir, repos: ['x/y'] })
  t.ok(existsSync(other.projectRoot))
  const { port } = other
  await other.close()
  await other.close() // idempotent
  t.notOk(existsSync(other.projectRoot))
  await t.rejects(request(`http://127.0.0.1:${port}/x/y.git/info/refs`), 'no longer listening')
})
