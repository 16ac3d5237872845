// setup: which file it edits (as `git config --global` would), a symlinked
// dotfile stays a symlink, git's lock is respected, useHttpPath per host.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runSetup } from '../../../src/cli/commands/setup.js'
import type { TokenRecord } from '../../../src/state/tokens.js'
import { useTestKeychain } from '../../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

function home(tokens: Partial<TokenRecord>[] = []) {
  const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-setup-'))
  const h = join(dir, 'home')
  mkdirSync(join(dir, 'pat'), { recursive: true })
  mkdirSync(h)
  const full = tokens.map(x => ({
    username: 'u',
    provider: 'generic',
    expires: null,
    access: 'read-write',
    created: '2026-01-01T00:00:00.000Z',
    state: 'active',
    source: 'keychain',
    origin: 'add',
    ...x,
  }))
  writeFileSync(join(dir, 'pat', 'tokens.json'), JSON.stringify({ version: 1, tokens: full }))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: h,
    XDG_CONFIG_HOME: join(h, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CREDENTIAL_PAT_HOME: join(dir, 'pat'),
  }
  delete env.GIT_CONFIG_GLOBAL
  const git = (...args: string[]) => spawnSync('git', args, { env, encoding: 'utf8' }).stdout.trim()
  return { dir, h, env, git }
}

t.test('a symlinked ~/.gitconfig is edited where it points', async t => {
  const { dir, h, env, git } = home()
  mkdirSync(join(dir, 'dotfiles'))
  writeFileSync(join(dir, 'dotfiles', 'gitconfig'), '[credential]\n\thelper = cache\n')
  symlinkSync(join(dir, 'dotfiles', 'gitconfig'), join(h, '.gitconfig'))
  t.match(runSetup('global', env, new Date()), /git now asks pat, then cache/)
  t.ok(lstatSync(join(h, '.gitconfig')).isSymbolicLink(), 'still a symlink')
  t.match(readFileSync(join(dir, 'dotfiles', 'gitconfig'), 'utf8'), /helper = pat\n\thelper = cache/)
  t.equal(git('config', '--global', '--get-all', 'credential.helper'), 'pat\ncache')
})

t.test('only the XDG file exists: that one, as git config --global would', async t => {
  const { h, env, git } = home()
  mkdirSync(join(h, '.config', 'git'), { recursive: true })
  writeFileSync(join(h, '.config', 'git', 'config'), '[user]\n\tname = x\n')
  runSetup('global', env, new Date())
  t.notOk(existsSync(join(h, '.gitconfig')))
  t.equal(git('config', '--global', '--get-all', 'credential.helper'), 'pat')
})

t.test("git's lock file is respected", async t => {
  const { h, env } = home()
  writeFileSync(join(h, '.gitconfig'), '')
  writeFileSync(join(h, '.gitconfig.lock'), '')
  t.throws(() => runSetup('global', env, new Date()), /\.gitconfig\.lock exists: another git is changing that file/)
  t.equal(readFileSync(join(h, '.gitconfig'), 'utf8'), '', 'unchanged')
})

t.test('useHttpPath for every host with an active path-scoped token', async t => {
  const { env, git } = home([
    { name: 'a', scope: 'gitlab.example.com/team/*' },
    { name: 'b', scope: 'http://git.local:8080/x/y' },
    { name: 'c', scope: 'host-only.example.com' },
    { name: 'd', scope: 'off.example.com/g/*', state: 'disabled' },
  ])
  const out = runSetup('global', env, new Date())
  t.match(out, /credential\.https:\/\/gitlab\.example\.com\.useHttpPath=true/)
  t.match(out, /credential\.http:\/\/git\.local:8080\.useHttpPath=true/)
  t.equal(
    git('config', '--global', '--get-regexp', 'usehttppath'),
    'credential.http://git.local:8080.usehttppath true\ncredential.https://gitlab.example.com.usehttppath true',
  )
  t.match(runSetup('global', env, new Date()), /already first\n$/, 'nothing more the second time')
})

t.test('setup --unset takes back what setup and add set, and nothing else', async t => {
  const { runUnset } = await import('../../../src/cli/commands/setup-unset.js')
  const { h, env, git } = home([
    { name: 'team', scope: 'gitlab.example.com/team/*' },
    { name: 'host', scope: 'other.example.com' },
  ])
  writeFileSync(
    join(h, '.gitconfig'),
    '[user]\n\tname = me\n[credential "https://dev.azure.com"]\n\tuseHttpPath = true\n[credential "https://gitlab.example.com"]\n\tpatProvider = gitlab\n[credential]\n\thelper = store\n',
  )
  runSetup('global', env, new Date())
  t.equal(git('config', '--global', 'credential.https://gitlab.example.com.useHttpPath'), 'true', 'setup set useHttpPath')
  const out = runUnset('global', env)
  t.match(out, /removed credential\.helper 'pat'/)
  t.match(out, /removed credential\.https:\/\/gitlab\.example\.com\.useHttpPath=true \(set by git-credential-pat on \d{4}-\d\d-\d\d\)/)
  t.same(
    git('config', '--global', '--list').split('\n'),
    [
      'user.name=me',
      'credential.https://dev.azure.com.usehttppath=true',
      'credential.https://gitlab.example.com.patprovider=gitlab',
      'credential.helper=store',
    ],
    "the user's own entries stay",
  )
  t.match(runUnset('global', env), /nothing of git-credential-pat's in/, 'a second run changes nothing')
})
