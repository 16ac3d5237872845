// Leaving, in a sandbox HOME and PREFIX: install.sh links
// the program and runs setup; add sets useHttpPath for a group token;
// `setup --unset`, then `install.sh --uninstall`, leave the global git config
// as the user had it and nothing of ours on PATH, with the tokens kept;
// `--purge` refuses without a terminal or --yes, and with --yes deletes
// this store's keychain items and the state directory. All of it on a copy
// of the installation: --uninstall stops every daemon the installation
// started, and the daemons of the tests running beside this one are the
// checkout's.
import t from 'tap'
import { existsSync, lstatSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bin as checkoutBin, installationCopy, run } from './lib/env.js'
import { box } from './lib/cli.js'

const sb = box('uninstall')
const { root, bin } = installationCopy(sb.dir)
const prefix = join(sb.dir, 'prefix')
const env = { ...sb.env, PREFIX: prefix, PATH: `${join(prefix, 'bin')}:${sb.env.PATH}` }
const installSh = (...args: string[]) => run(join(root, 'install.sh'), ['--no-build', ...args], { env, cwd: sb.dir })
const globalList = async () => (await sb.git(['config', '--global', '--list'])).stdout.trim().split('\n')
const service = sb.env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE!
const secrets = async () => (await run('secret-tool', ['search', '--all', 'service', service], { env })).stdout + ''
const SECRET = { team: 'uninstall-team-secret-4e1f', host: 'uninstall-host-secret-9c2a' }

// The user's own settings, which leaving must not touch.
await sb.gitConfig([
  ['credential.https://dev.azure.com.useHttpPath', 'true'],
  ['credential.pat.warnDays', '3'],
  ['credential.helper', 'cache'],
])
const mine = await globalList()

t.test('install, add, setup --unset, install.sh --uninstall', async t => {
  const inst = await installSh()
  t.equal(inst.code, 0, inst.stderr)
  t.equal(readlinkSync(join(prefix, 'bin', 'git-credential-pat')), bin, 'linked on PATH: the #! launcher where built')
  t.ok((await globalList()).includes('credential.helper=pat'), 'setup ran')
  await sb.addToken('gitlab.example.com/team/*', SECRET.team, ['--provider', 'generic', '--username', 'u', '--name', 'team'])
  await sb.addToken('other.example.com', SECRET.host, ['--provider', 'generic', '--username', 'u', '--name', 'host'])
  t.ok((await globalList()).includes('credential.https://gitlab.example.com.usehttppath=true'), 'add set useHttpPath')

  const unset = await run(join(prefix, 'bin', 'git-credential-pat'), ['setup', '--unset'], { env, cwd: sb.dir })
  t.equal(unset.code, 0, unset.stderr)
  t.match(unset.stdout, /removed credential\.helper 'pat'/)
  t.match(unset.stderr, /kept your own settings in .*credential\.pat\.warndays/)
  t.same(await globalList(), mine, 'the global config is as the user had it')

  const un = await installSh('--uninstall')
  t.equal(un.code, 0, un.stderr)
  for (const f of [
    'bin/git-credential-pat',
    'share/man/man1/git-credential-pat.1',
    'share/bash-completion/completions/git-credential-pat',
    'share/zsh/site-functions/_git-credential-pat',
  ])
    t.notOk(existsSync(join(prefix, f)) || isLink(join(prefix, f)), `${f} is gone`)
  t.same(await globalList(), mine, 'still nothing of ours')
  const which = await run('sh', ['-c', 'command -v git-credential-pat || echo none'], { env: { ...env, PATH: `${join(prefix, 'bin')}:/usr/bin:/bin` } })
  t.equal(which.stdout.trim(), 'none', 'no link on PATH')
  t.same((await sb.tokens()).map(x => x.name).sort(), ['host', 'team'], 'the tokens stay')
  t.match(await secrets(), SECRET.team, 'their secrets too')
})

t.test('--purge without a terminal and without --yes: one line, exit 2, nothing changed', async t => {
  const r = await installSh('--uninstall', '--purge')
  t.equal(r.code, 2)
  t.equal(r.stderr, 'install.sh: --purge deletes your tokens; run it at a terminal to confirm, or add --yes\n')
  t.equal((await sb.tokens()).length, 2)
})

t.test("--purge --yes deletes this store's keychain items and the state directory", async t => {
  // Another store's item under the same service stays (remove only knows ours).
  const other = await run('sh', ['-c', `printf %s other-store-secret | secret-tool store --label=x service ${service} account someone-else/team`], { env })
  t.equal(other.code, 0, other.stderr)
  // A file: secret that add wrote is deleted; one that was there before add stays.
  const wrote = join(sb.dir, 'secret-wrote')
  const given = join(sb.dir, 'secret-given')
  writeFileSync(given, 'given-file-secret\n', { mode: 0o600 })
  for (const [name, file, secret] of [
    ['wrote', wrote, 'wrote-file-secret'],
    ['given', given, 'given-file-secret'],
  ]) {
    const a = await sb.addToken(`files.example.com/${name}/*`, secret, ['--provider', 'generic', '--username', 'u', '--name', name, '--source', `file:${file}`])
    t.equal(a.code, 0, a.stderr)
  }
  t.ok(existsSync(wrote), 'add wrote that file')
  const r = await installSh('--uninstall', '--purge', '--yes')
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, `secret files that git-credential-pat add wrote:\n  ${wrote}\n`)
  t.notMatch(r.stdout, given, 'a file add did not write is not offered')
  t.notOk(existsSync(wrote), 'the file add wrote is gone')
  t.equal(readFileSync(given, 'utf8'), 'given-file-secret\n', 'the file that was there before stays')
  t.notOk(existsSync(prefix), 'the directories install.sh made under PREFIX are gone, being empty')
  const left = await secrets()
  t.notMatch(left, SECRET.team)
  t.notMatch(left, SECRET.host)
  t.match(left, 'other-store-secret', "another store's item stays")
  t.notOk(existsSync(sb.env.GIT_CREDENTIAL_PAT_HOME!), 'the state directory is gone')
  t.same(await globalList(), mine)
})

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink()
  } catch {
    return false
  }
}

t.test('PREFIX/bin not on PATH: install.sh names the program by its absolute path, says so, and --uninstall takes it out', async t => {
  const prefix2 = join(sb.dir, 'prefix-off-path')
  const env2 = { ...sb.env, PREFIX: prefix2 } // PATH as the user has it: without prefix2/bin
  const inst = await run(join(root, 'install.sh'), ['--no-build'], { env: env2, cwd: sb.dir })
  t.equal(inst.code, 0, inst.stderr)
  const program = join(prefix2, 'bin', 'git-credential-pat')
  t.match(inst.stdout, `git now asks git-credential-pat first by its absolute path (credential.helper ${program})`)
  t.equal((await sb.git(['config', '--global', '--get-all', 'credential.helper'])).stdout.split('\n')[0], program)
  const where = await run('sh', ['-c', 'command -v git-credential-pat || echo none'], { env: { ...env2, PATH: '/usr/bin:/bin' } })
  t.equal(where.stdout.trim(), 'none', 'git-credential-pat is on no PATH')
  const add = await run(program, ['add', 'other.example.com', '--token-stdin', '--provider', 'generic', '--username', 'u', '--name', 'host'], {
    env: env2,
    input: SECRET.host,
  })
  t.equal(add.code, 0, add.stderr)
  const fill = await sb.git(['credential', 'fill'], { input: 'protocol=https\nhost=other.example.com\n\n', env: { PATH: `/usr/bin:/bin` } })
  t.equal(fill.code, 0, fill.stderr)
  t.match(fill.stdout, `password=${SECRET.host}`, 'git runs it by its path')
  const un = await run(join(root, 'install.sh'), ['--no-build', '--uninstall'], { env: env2, cwd: sb.dir })
  t.equal(un.code, 0, un.stderr)
  t.notOk(
    (await globalList()).some(l => l.includes('git-credential-pat')),
    'no helper entry left pointing nowhere',
  )
})

t.test('--uninstall stops every daemon this installation started, whatever environment it serves, and no other', async t => {
  const envOf = (name: string) => ({
    ...sb.env,
    GIT_CREDENTIAL_PAT_HOME: join(sb.dir, name),
    GIT_CREDENTIAL_PAT_DAEMON: 'auto',
    GIT_CREDENTIAL_PAT_DAEMON_IDLE: '600',
  })
  const started: number[] = []
  for (const [launcher, name] of [
    [bin, 'ssh-session'],
    [bin, 'desktop'],
    [checkoutBin, 'checkout'],
  ]) {
    const e = envOf(name)
    const s = await run(launcher, ['daemon', 'start'], { env: e })
    t.equal(s.code, 0, s.stderr)
    started.push((JSON.parse((await run(launcher, ['daemon', 'status', '--json'], { env: e })).stdout) as { pid: number }).pid)
  }
  const un = await run(join(root, 'install.sh'), ['--no-build', '--uninstall', '--no-git-config'], {
    env: { ...env, GIT_CREDENTIAL_PAT_HOME: join(sb.dir, 'third') },
    cwd: sb.dir,
  })
  t.equal(un.code, 0, un.stderr)
  t.match(un.stdout, 'stopped 2 daemon(s) of this checkout')
  t.notOk(alive(started[0]), 'the one of another environment is gone')
  t.notOk(alive(started[1]), 'and the other')
  t.ok(alive(started[2]), "another installation's daemon runs on")
  await run(checkoutBin, ['daemon', 'stop'], { env: envOf('checkout') })
})

/** Whether the process runs (a zombie waiting for its reaper does not). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

t.test('the daemon exits on its own once its program is removed (npm uninstall -g, a deleted checkout)', async t => {
  const gone = installationCopy(join(sb.dir, 'to-remove'))
  const e = { ...sb.env, GIT_CREDENTIAL_PAT_HOME: join(sb.dir, 'orphan'), GIT_CREDENTIAL_PAT_DAEMON: 'auto', GIT_CREDENTIAL_PAT_DAEMON_IDLE: '600' }
  t.equal((await run(gone.bin, ['daemon', 'start'], { env: e })).code, 0)
  const pid = (JSON.parse((await run(gone.bin, ['daemon', 'status', '--json'], { env: e })).stdout) as { pid: number }).pid
  t.ok(alive(pid), 'running')
  rmSync(gone.root, { recursive: true, force: true })
  // Its tick comes every 10 s (src/daemon/idle.ts); a request in between does not keep it.
  let waited = 0
  while (alive(pid) && waited < 30_000) {
    await new Promise(r => setTimeout(r, 500))
    waited += 500
  }
  t.notOk(alive(pid), `gone after ${waited / 1000} s`)
})
