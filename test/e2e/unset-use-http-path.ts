// Leaving cleanly: the useHttpPath entries git-credential-pat set are
// recorded in its state, so `setup --unset` and `install.sh --uninstall
// --purge` take them back even after the token that needed one was removed;
// an entry the user wrote (before or after) stays. Real git config, a sandbox
// HOME and PREFIX.
import t from 'tap'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { installationCopy, run } from './lib/env.js'
import { box, ok } from './lib/cli.js'

const SECRET = { team: 'unset-uhp-team-0301', mine: 'unset-uhp-mine-0302' }

t.test('setup --unset removes the useHttpPath add set for a token removed since, and keeps the user’s own', async t => {
  const sb = box('unset-uhp')
  const globalList = async () => (await sb.git(['config', '--global', '--list'])).stdout.trim().split('\n')
  // The user's own, written before any token: one for a host a token will need too.
  await sb.gitConfig([
    ['credential.https://dev.azure.com.useHttpPath', 'true'],
    ['credential.https://mine.example.com.useHttpPath', 'true'],
  ])
  const mine = await globalList()
  await ok(sb, ['setup'])
  await sb.addToken('gitlab.example.com/team/*', SECRET.team, ['--provider', 'gitlab', '--name', 'team'])
  t.ok((await globalList()).includes('credential.https://gitlab.example.com.usehttppath=true'), 'add set useHttpPath')
  const second = await sb.addToken('mine.example.com/g/*', SECRET.mine, ['--provider', 'generic', '--username', 'u', '--name', 'mine'])
  t.notMatch(second.stdout, /useHttpPath/, 'already on: add set nothing')
  await ok(sb, ['remove', '--yes', 'team'])
  t.ok((await globalList()).includes('credential.https://gitlab.example.com.usehttppath=true'), 'the setting outlives the token')

  const r = await sb.pat(['setup', '--unset'])
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /removed credential\.https:\/\/gitlab\.example\.com\.useHttpPath=true \(set by git-credential-pat on \d{4}-\d\d-\d\d\)/)
  t.notMatch(r.stdout, /mine\.example\.com|dev\.azure\.com/, 'nothing of the user’s removed')
  t.match(r.stderr, /kept credential\.https:\/\/mine\.example\.com\.useHttpPath=true .*no record of setting it/, 'named, not taken')
  t.same(await globalList(), mine, 'the global config is as the user had it')

  const again = await sb.pat(['setup', '--unset'])
  t.equal(again.code, 0, again.stderr)
  t.match(again.stdout, /nothing of git-credential-pat's in/)
  t.same(await globalList(), mine)
})

t.test('install.sh --uninstall --purge takes it back too, and leaves no state behind', async t => {
  const sb = box('purge-uhp')
  const prefix = join(sb.dir, 'prefix')
  const env = { ...sb.env, PREFIX: prefix, PATH: `${join(prefix, 'bin')}:${sb.env.PATH}` }
  // A copy: --uninstall stops every daemon of the installation, and the tests running beside this one use the checkout's.
  const copy = installationCopy(sb.dir).root
  const installSh = (...args: string[]) => run(join(copy, 'install.sh'), ['--no-build', ...args], { env, cwd: sb.dir })
  const globalList = async () => (await sb.git(['config', '--global', '--list'])).stdout.trim().split('\n')
  await sb.gitConfig([['credential.https://dev.azure.com.useHttpPath', 'true']])
  const mine = await globalList()

  const inst = await installSh()
  t.equal(inst.code, 0, inst.stderr)
  await sb.addToken('gitlab.example.com/team/*', SECRET.team, ['--provider', 'gitlab', '--name', 'team'])
  await ok(sb, ['remove', '--yes', 'team'])
  t.ok((await globalList()).includes('credential.https://gitlab.example.com.usehttppath=true'))

  const un = await installSh('--uninstall', '--purge', '--yes')
  t.equal(un.code, 0, un.stderr)
  t.match(un.stdout + un.stderr, /removed credential\.https:\/\/gitlab\.example\.com\.useHttpPath=true/)
  t.same(await globalList(), mine, 'the global config is as the user had it')
  t.notOk(existsSync(sb.env.GIT_CREDENTIAL_PAT_HOME!), 'the state directory is gone: the record went with what it recorded')
})
