// `setup` end to end: pat first in git's helper list
// with the user's other helpers kept, an empty value's reset respected,
// idempotent, and useHttpPath for hosts with path-scoped tokens.
import t from 'tap'
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { box, ok, type Check } from './lib/cli.js'
import { bin, root } from './lib/env.js'

t.test('setup: pat first, other helpers kept, idempotent, useHttpPath for path scopes', async t => {
  const sb = box('setup')
  const helpers = async (scope = '--global', cwd?: string) =>
    (await sb.git(['config', scope, '--get-all', 'credential.helper'], { cwd })).stdout.split('\n').filter((_, i, a) => i < a.length - 1)
  await sb.git(['config', '--global', '--add', 'credential.helper', 'cache --timeout=300'])
  await sb.git(['config', '--global', '--add', 'credential.helper', 'store'])
  await ok(sb, ['add', 'gitlab.example.com/team/*', '--token-stdin', '--name', 'team'], 's')
  await ok(sb, ['add', 'https://host.example.com', '--token-stdin', '--username', 'u', '--name', 'host'], 's')
  await sb.git(['config', '--global', '--unset', 'credential.https://gitlab.example.com.useHttpPath'])

  const r = await ok(sb, ['setup'])
  t.match(r.stdout, /git now asks pat, then cache --timeout=300, then store/)
  t.match(r.stdout, /set credential\.https:\/\/gitlab\.example\.com\.useHttpPath=true/)
  t.same(await helpers(), ['pat', 'cache --timeout=300', 'store'])
  t.equal((await sb.git(['config', '--global', '--get', 'credential.https://gitlab.example.com.useHttpPath'])).stdout.trim(), 'true')
  t.equal((await sb.git(['config', '--global', '--get', 'credential.https://host.example.com.useHttpPath'])).code, 1, 'not for a host-wide scope')

  const config = readFileSync(join(sb.dir, 'home', '.gitconfig'), 'utf8')
  const again = await ok(sb, ['setup', '--global'])
  t.match(again.stdout, /pat is already first/)
  t.notMatch(again.stdout, /useHttpPath/)
  t.equal(readFileSync(join(sb.dir, 'home', '.gitconfig'), 'utf8'), config, 'the second run changes nothing')

  // An empty value resets the list: pat must come after it, not before.
  await sb.git(['config', '--global', '--unset-all', 'credential.helper'])
  await sb.git(['config', '--global', '--add', 'credential.helper', ''])
  await sb.git(['config', '--global', '--add', 'credential.helper', 'osxkeychain'])
  await ok(sb, ['setup'])
  t.same(await helpers(), ['', 'pat', 'osxkeychain'])

  // A helper from the system config runs before anything global: setup
  // resets the list and repeats it after pat.
  await sb.git(['config', '--global', '--unset-all', 'credential.helper'])
  await sb.git(['config', '--global', '--add', 'credential.helper', 'cache'])
  const system = join(sb.dir, 'system.gitconfig')
  writeFileSync(system, '[credential]\n\thelper = manager\n')
  const sysEnv = { GIT_CONFIG_NOSYSTEM: '0', GIT_CONFIG_SYSTEM: system }
  const withSystem = await sb.pat(['setup'], { env: sysEnv })
  t.equal(withSystem.code, 0, withSystem.stderr)
  t.match(withSystem.stdout, /repeated the helpers .*: manager/)
  t.match(withSystem.stdout, /git now asks pat, then manager, then cache/)
  const all = await sb.git(['config', '--get-all', 'credential.helper'], { env: sysEnv })
  t.same(all.stdout.split('\n').slice(0, -1), ['manager', '', 'pat', 'manager', 'cache'], 'what git reads, in order')
  const doctored = JSON.parse((await sb.pat(['doctor', '--json'], { env: sysEnv })).stdout) as { checks: Check[] }
  t.match(
    doctored.checks.find(c => c.id === 'helper'),
    { status: 'ok', summary: "git asks 'pat', then 'manager', then 'cache'" },
  )
  t.match((await sb.pat(['setup'], { env: sysEnv })).stdout, /already first/, 'idempotent with a system helper too')

  // --local: in a repository only.
  const repo = join(sb.dir, 'repo')
  await sb.git(['init', '-q', repo])
  await sb.git(['config', '--global', '--unset-all', 'credential.helper'])
  const local = await sb.pat(['setup', '--local'], { cwd: repo })
  t.equal(local.code, 0, local.stderr)
  t.match(local.stdout, /\.git\/config/)
  t.same(await helpers('--local', repo), ['pat'])
  const outside = await sb.pat(['setup', '--local'], { cwd: join(sb.dir, 'home') })
  t.equal(outside.code, 1)
  t.match(outside.stderr, /inside a git repository/)
  t.equal((await sb.pat(['setup', '--global', '--local'])).code, 2, '--global and --local conflict')
})

t.test('--absolute: the program by its absolute path, understood by setup, doctor and setup --unset', async t => {
  const sb = box('setup-absolute')
  const helpers = async () => (await sb.git(['config', '--global', '--get-all', 'credential.helper'])).stdout.split('\n').filter(Boolean)
  const program = join(sb.dir, 'elsewhere', 'git-credential-pat')
  mkdirSync(dirname(program))
  symlinkSync(bin, program)
  await sb.git(['config', '--global', '--add', 'credential.helper', 'pat'])
  await sb.git(['config', '--global', '--add', 'credential.helper', 'cache'])
  const r = await ok(sb, ['setup', `--absolute=${program}`])
  t.match(r.stdout, `git now asks ${program}, then cache`)
  t.same(await helpers(), [program, 'cache'], 'replaces pat, keeps the others')
  t.match((await ok(sb, ['setup', `--absolute=${program}`])).stdout, /is already first/, 'idempotent')
  t.match((await ok(sb, ['setup'])).stdout, /already first/, 'plain setup keeps the form the user has')
  t.same(await helpers(), [program, 'cache'])

  // git runs it by that path with its directory nowhere on PATH.
  const noPath = {
    PATH: (process.env.PATH ?? '')
      .split(':')
      .filter(p => p !== dirname(bin) && p !== join(root, 'bin'))
      .join(':'),
  }
  await sb.addToken('https://abs.example.com', 'absolute-path-secret-01', ['--username', 'u', '--name', 'abs'])
  const fill = await sb.git(['credential', 'fill'], { input: 'protocol=https\nhost=abs.example.com\n\n', env: noPath })
  t.equal(fill.code, 0, fill.stderr)
  t.match(fill.stdout, 'password=absolute-path-secret-01')
  const doctor = JSON.parse((await sb.pat(['doctor', '--json'], { env: noPath })).stdout) as { checks: Check[] }
  t.match(
    doctor.checks.find(c => c.id === 'binary'),
    { status: 'ok', summary: `credential.helper names ${program} (-> ` },
  )
  t.match(
    doctor.checks.find(c => c.id === 'helper'),
    { status: 'ok' },
  )
  rmSync(program)
  const broken = JSON.parse((await sb.pat(['doctor', '--json'], { env: noPath })).stdout) as { checks: Check[] }
  t.match(
    broken.checks.find(c => c.id === 'binary'),
    { status: 'fail', summary: `credential.helper names ${program}, which git cannot run` },
  )

  const unset = await ok(sb, ['setup', '--unset'])
  t.match(unset.stdout, `removed credential.helper '${program}'`)
  t.same(await helpers(), ['cache'])

  for (const bad of ['relative/git-credential-pat', '/usr/bin/env', '/with space/git-credential-pat']) {
    const r = await sb.pat(['setup', `--absolute=${bad}`])
    t.equal(r.code, 2, bad)
    t.equal(r.stderr.split('\n').length, 2, 'one line')
  }
  t.same(await helpers(), ['cache'], 'nothing changed')
})
