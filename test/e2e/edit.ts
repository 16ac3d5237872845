// `edit NAME` and `enable` through the built binary, the
// throwaway keyring, real git and the loopback git server: every field
// changes in place and the secret stays (git still gets in), a bad value is
// a usage error that changes nothing, a new name moves the keychain item,
// and enabling a token the last check found dead warns.
import t from 'tap'
import { keychainOp } from './lib/keyring.js'
import { box, get, showJson } from './lib/cli.js'
import type { RunResult, Sandbox } from './lib/env.js'
import { startGitServer, type GitServer } from './lib/git-server.js'
import { startForgeServer, type ForgeServer } from './lib/forge-server.js'

const S = { git: 'glpat-edit-e2e-secret-0031', env: 'glpat-edit-e2e-env-0032', revoked: 'glpat-edit-e2e-revoked-0033' }
const srv: GitServer = await startGitServer({ repos: ['team/app'], tokens: [{ token: S.git, paths: [''], access: 'read-write' }] })
const forge: ForgeServer = await startForgeServer([{ token: S.revoked, revoked: true }])
t.teardown(() => (srv.close(), forge.close()))
const origin = `http://127.0.0.1:${srv.port}`

const outputs: string[] = []
async function pat(sb: Sandbox, args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult> {
  const r = await sb.pat(args, { env })
  outputs.push(r.stdout, r.stderr)
  return r
}
const lsRemote = (sb: Sandbox, env?: NodeJS.ProcessEnv) => sb.git(['ls-remote', srv.url('team/app')], { env })

t.test('edit changes each field in place; the secret stays and git still gets in', async t => {
  const sb = box('edit-fields')
  await sb.gitConfig([['credential.helper', 'pat']])
  await sb.addToken(origin, S.git, ['--name', 'ci', '--username', 'u', '--provider', 'generic', '--description', 'runner'])
  const created = (await showJson(sb, 'ci')).created
  const steps: Array<[string[], string]> = [
    [['--scope', `${origin}/team/*`], `changed scope of 'ci': ${origin} → ${origin}/team/*`],
    [['--username', 'bot'], "changed username of 'ci': u → bot"],
    [['--provider', 'gitlab'], "changed provider of 'ci': generic → gitlab"],
    [['--expires', '2099-01-31'], "changed expires of 'ci': unknown → 2099-01-31"],
    [['--access', 'read'], "changed access of 'ci': read-write → read"],
    [['--description', 'the CI runner'], 'changed description of \'ci\': "runner" → "the CI runner"'],
  ]
  for (const [args, line] of steps) {
    const r = await pat(sb, ['edit', 'ci', ...args])
    t.equal(r.code, 0, r.stderr)
    t.match(r.stdout, line)
  }
  t.match(await showJson(sb, 'ci'), {
    name: 'ci',
    scope: `${origin}/team/*`,
    username: 'bot',
    provider: 'gitlab',
    expires: '2099-01-31T00:00:00.000Z',
    access: 'read',
    description: 'the CI runner',
    source: 'keychain',
    created,
    state: 'active',
  })
  const useHttpPath = await sb.git(['config', '--global', '--get', `credential.${origin}.useHttpPath`])
  t.equal(useHttpPath.stdout.trim(), 'true', 'a path scope gets useHttpPath, as add sets it')
  const r = await lsRemote(sb)
  t.equal(r.code, 0, r.stderr)
  t.ok(
    srv.requests.some(q => q.token === S.git && q.username === 'bot'),
    'git sent the same secret with the new username',
  )

  // The source: away from the keychain (its copy kept), back to it, and a new name.
  const toEnv = await pat(sb, ['edit', 'ci', '--source', 'env:CI_TOKEN'])
  t.match(toEnv.stdout, "changed source of 'ci': keychain → env:CI_TOKEN")
  t.match(toEnv.stdout, 'the keychain copy of the secret is kept')
  t.equal((await get(sb, `${origin}/team/app`)).password, undefined, 'CI_TOKEN is not set')
  const viaEnv = await sb.pat(['get'], { input: `protocol=http\nhost=127.0.0.1:${srv.port}\npath=team/app\n\n`, env: { CI_TOKEN: S.env } })
  t.match(viaEnv.stdout, `password=${S.env}`)
  t.match((await pat(sb, ['edit', 'ci', '--source', 'keychain'])).stdout, 'the secret already in the keychain')
  const renamed = await pat(sb, ['edit', 'ci', '--name', 'ci-runner'])
  t.equal(renamed.stdout, "changed name of 'ci-runner': ci → ci-runner\n")
  t.equal(JSON.parse(await keychainOp(sb.env, 'get', 'ci')), null, 'the old item is gone')
  t.equal((await get(sb, `${origin}/team/app`)).password, S.git, 'the secret moved with the name')
  t.equal((await pat(sb, ['show', 'ci'])).code, 1)

  const same = await pat(sb, ['edit', 'ci-runner', '--access', 'read', '--username', 'bot'])
  t.same([same.code, same.stdout], [0, "nothing changed: 'ci-runner' already has those values\n"])
})

t.test('bad values: exit 2, one line, nothing changed', async t => {
  const sb = box('edit-bad')
  await sb.addToken(origin, S.git, ['--name', 'ci', '--username', 'u', '--provider', 'generic'])
  await sb.addToken('other.example.org', S.env, ['--name', 'other', '--username', 'u', '--provider', 'generic'])
  const before = await sb.tokens()
  const bad: string[][] = [
    [],
    ['--scope', 'team/*'],
    ['--scope', 'https://u:hunter2pass@127.0.0.1'],
    ['--scope', 'ssh://127.0.0.1/x'],
    ['--username', ''],
    ['--provider', 'sourceforge'],
    ['--expires', 'soon'],
    ['--expires', '2020-01-01'],
    ['--expires', '-5d'],
    ['--access', 'admin'],
    ['--source', 'vault:x'],
    ['--name', 'two words'],
    ['--source', 'env:X', '--forget-secret', '--expires', 'soon'],
    ['--no-such-flag'],
  ]
  for (const args of bad) {
    const r = await pat(sb, ['edit', 'ci', ...args])
    t.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    t.equal(r.stdout, '')
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line')
  }
  const taken = await pat(sb, ['edit', 'ci', '--name', 'other'])
  t.equal(taken.code, 1)
  t.match(taken.stderr, "a token named 'other' exists")
  t.same(await sb.tokens(), before, 'nothing changed')
  t.equal((await get(sb, `${origin}/team/app`)).password, S.git, 'get still sends it')
  t.equal(JSON.parse(await keychainOp(sb.env, 'get', 'ci')), S.git, 'the secret is where it was')
})

t.test('enable warns when the last check found the token dead', async t => {
  const sb = box('edit-enable')
  await sb.git(['config', '--global', 'credential.https://gitlab.example.com.patApiUrl', forge.url])
  await sb.addToken('gitlab.example.com', S.revoked, ['--name', 'dead', '--no-check'])
  const checked = await pat(sb, ['check', 'dead'])
  t.equal(checked.code, 1, checked.stderr)
  t.equal((await showJson(sb, 'dead')).state, 'rejected')
  const r = await pat(sb, ['enable', 'dead'])
  t.equal(r.code, 0)
  t.match(r.stdout, "enabled 'dead'")
  t.match(
    r.stderr,
    /^git-credential-pat: warning: the last check \(\d{4}-\d\d-\d\d\) found 'dead' revoked; get sends it again, but the forge will likely refuse it/,
  )
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line')
})

t.test('no secret in any output', async t => {
  for (const s of Object.values(S))
    t.notOk(
      outputs.some(o => o.includes(s)),
      s,
    )
  t.notOk(
    outputs.some(o => o.includes('hunter2pass')),
    'a password in a scope is not repeated',
  )
})
