// A machine without a keyring: with DBUS_SESSION_BUS_ADDRESS
// unset, the README's one-line provisioning with --source file: writes the
// token to a 0600 file and serves a clone through real git and the loopback
// server; `add` with the keychain fails at once, naming the alternatives;
// `doctor` reports the keychain as not used.
import t from 'tap'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { root, run } from './lib/env.js'
import { startGitServer } from './lib/git-server.js'
import { box, doctorJson, ok, showJson } from './lib/cli.js'

/** The README line that provisions a token into a file. */
function readmeLine(): string {
  const line = readFileSync(join(root, 'README.md'), 'utf8')
    .split('\n')
    .find(l => l.includes('--source file:') && l.includes('--token-stdin'))
  if (!line) throw new Error('README has no one-line provisioning with --source file:')
  return line
}

t.test('no keyring: provisioning into a file serves a clone', async t => {
  const sb = box('headless')
  delete sb.env.DBUS_SESSION_BUS_ADDRESS
  const TOKEN = 'glpat-HeadlessServer000000001'
  const srv = await startGitServer({
    repos: ['team/app'],
    tokens: [{ token: TOKEN, username: 'oauth2', paths: ['team/'], access: 'read-write' }],
  })
  t.teardown(() => srv.close())
  const host = `gitlab.example.com:${srv.port}`
  // The README's line, pointed at the loopback server (http, its port).
  const line = readmeLine().replace("'gitlab.example.com/", `'http://${host}/`)
  t.match(line, `'http://${host}/team/*'`, 'the scope was rewritten')
  const add = await run('sh', ['-c', line], { env: { ...sb.env, TOKEN }, cwd: sb.dir })
  t.equal(add.code, 0, add.stderr)
  const file = join(sb.env.HOME!, '.git-tokens', 'team')
  t.match(add.stdout, `wrote the token to ${file} (mode 600)`)
  t.notMatch(add.stdout + add.stderr, TOKEN)
  t.equal(statSync(file).mode & 0o777, 0o600)
  t.equal(readFileSync(file, 'utf8').trim(), TOKEN)
  t.match(await showJson(sb, 'ci-runner-7'), { source: `file:${file}`, scope: `http://${host}/team/*` })

  // The same line again: the file holds that secret already; a new name, nothing replaced.
  const twice = await run('sh', ['-c', line.replace('ci-runner-7', 'ci-runner-8')], { env: { ...sb.env, TOKEN }, cwd: sb.dir })
  t.equal(twice.code, 0, twice.stderr)
  t.match(twice.stdout, `${file} already holds this token; left as it is`)
  const other = await run('sh', ['-c', line.replace('ci-runner-7', 'ci-runner-9')], { env: { ...sb.env, TOKEN: 'another-secret-0002' }, cwd: sb.dir })
  t.equal(other.code, 1)
  t.match(other.stderr, /exists and holds another secret; nothing was saved/)
  t.notMatch(other.stderr, /another-secret/)
  t.equal(readFileSync(file, 'utf8').trim(), TOKEN, 'never replaced')

  await ok(sb, ['setup'])
  const resolve = ['-c', `http.curloptResolve=${host}:127.0.0.1`]
  const clone = await sb.git([...resolve, 'clone', `http://${host}/team/app.git`, 'app'])
  t.equal(clone.code, 0, clone.stderr)
  t.ok(existsSync(join(sb.dir, 'app', 'README.md')), 'cloned')
  t.same(srv.tokensSeen('team/app'), [TOKEN])

  const d = await doctorJson(sb)
  t.match(d.checks.keychain, { status: 'skip', summary: /^not used: no token keeps its secret there/ })
  t.equal(d.code, 0, JSON.stringify(d.checks, null, 1))
})

t.test('no keyring: add with the keychain fails at once, naming the alternatives', async t => {
  const sb = box('headless-keychain')
  delete sb.env.DBUS_SESSION_BUS_ADDRESS
  const r = await sb.pat(['add', 'http://127.0.0.1/x', '--token-stdin', '--username', 'u', '--name', 'kc'], { input: 'headless-keychain-0003' })
  t.equal(r.signal, null, 'it returned by itself')
  t.equal(r.code, 1)
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line')
  t.match(r.stderr, /the keyring refused a write/)
  t.match(r.stderr, /--source env:VAR, file:PATH or exec:COMMAND/, 'names the sources that need no keyring')
  t.match(r.stderr, /dbus-run-session .*gnome-keyring-daemon --unlock/, 'and how to start one')
  t.notMatch(r.stderr, /headless-keychain-0003/)
  t.same(JSON.parse((await ok(sb, ['list', '--json'])).stdout), [], 'nothing saved')
  const d = await doctorJson(sb)
  t.equal(d.checks.keychain.status, 'fail', 'no token yet: the next add needs it')
  t.match(d.checks.keychain.fix.join('\n'), /--source env:VAR, file:PATH or exec:COMMAND/)
})
