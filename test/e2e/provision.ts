// Provisioning a machine non-interactively in one line
// per token, then git clone through the loopback server by host name.
import t from 'tap'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { run } from './lib/env.js'
import { startGitServer } from './lib/git-server.js'
import { box, doctorJson, ok, showJson } from './lib/cli.js'

t.test('provisioning a machine in one line, then git clone through the loopback server', async t => {
  const sb = box('provision')
  const TOKEN = 'glpat-ProvisionCi7Runner000001'
  const srv = await startGitServer({
    repos: ['team/app', 'team/sub/lib', 'other/x'],
    tokens: [{ token: TOKEN, username: 'oauth2', paths: ['team/'], access: 'read-write' }],
  })
  t.teardown(() => srv.close())
  const host = `gitlab.example.com:${srv.port}`
  // The one line from the issue, with the loopback server's port and http.
  const line = `printf %s "$TOKEN" | git-credential-pat add http://${host}/team/* --token-stdin --expires 90d --name ci-runner-7`
  const add = await run('sh', ['-c', line], { env: { ...sb.env, TOKEN }, cwd: sb.dir })
  t.equal(add.code, 0, add.stderr)
  t.match(add.stdout, /added token 'ci-runner-7' for http:\/\/gitlab\.example\.com:\d+\/team\/\* \(user oauth2, expires \d{4}-\d\d-\d\d\)/)
  t.notMatch(add.stdout + add.stderr, TOKEN)
  const expires = (await showJson(sb, 'ci-runner-7')).expires!
  const days = (Date.parse(expires) - Date.now()) / 86_400_000
  t.ok(days > 88 && days <= 90, `expires in 90 days (${days.toFixed(1)})`)
  await ok(sb, ['setup'])

  const resolve = ['-c', `http.curloptResolve=${host}:127.0.0.1`]
  const clone = await sb.git([...resolve, 'clone', `http://${host}/team/app.git`, 'app'])
  t.equal(clone.code, 0, clone.stderr)
  t.ok(existsSync(join(sb.dir, 'app', 'README.md')), 'cloned')
  const deep = await sb.git([...resolve, 'clone', `http://${host}/team/sub/lib.git`, 'lib'])
  t.equal(deep.code, 0, deep.stderr)
  const other = await sb.git([...resolve, 'clone', `http://${host}/other/x.git`, 'x'])
  t.not(other.code, 0, 'outside team/ the token is not offered')
  t.same(srv.tokensSeen('other/x'), [], 'and was never sent there')
  t.same(srv.tokensSeen('team/app'), [TOKEN])
  t.ok(
    srv.requests.every(q => q.host === 'gitlab.example.com'),
    'git addressed the server by that name',
  )
  const d = await doctorJson(sb)
  t.equal(d.code, 0, JSON.stringify(d.checks, null, 1))
})
