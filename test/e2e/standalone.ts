// The standalone executable (`npm run release`, scripts/release.ts) for
// this machine, linux-x64: one file with Bun, the program and keytar's
// addon, run with neither Node nor node_modules on PATH. Against the
// loopback forge in the throwaway keyring: get through the keychain and
// through the daemon, store, erase, add, list, doctor. The other targets
// are built by `npm run release`, not run here (docs/platforms.md).
import t from 'tap'
import { mkdirSync, mkdtempSync, symlinkSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { root, run, sandbox } from './lib/env.js'
import { startGitServer } from './lib/git-server.js'

if (process.platform !== 'linux' || process.arch !== 'x64') {
  t.pass('the linux-x64 executable runs only on linux-x64', { skip: `${process.platform}-${process.arch}` })
} else {
  const out = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-release-'))
  const build = await run(
    join(root, 'node_modules', 'bun', 'bin', 'bun.exe'),
    ['--config=' + join(root, 'bin', 'bunfig.toml'), join(root, 'scripts', 'release.ts'), '--out', out, 'linux-x64'],
    {
      cwd: root,
      timeout: 240_000,
    },
  )
  t.equal(build.code, 0, build.stderr)
  const exe = join(out, 'git-credential-pat-linux-x64')
  t.ok(statSync(exe).size > 50e6, 'one file holding Bun')

  // PATH: git and nothing of Node.
  const bin = join(out, 'path')
  mkdirSync(bin)
  symlinkSync('/usr/bin/git', join(bin, 'git'))
  const SECRET = 'standalone-secret-5e1d'
  const srv = await startGitServer({ repos: ['team/app'], tokens: [{ token: SECRET, paths: [''], access: 'read' }] })
  t.teardown(() => srv.close())
  const sb = sandbox('standalone')
  const env = { ...sb.env, PATH: bin, GIT_CREDENTIAL_PAT_DAEMON: 'never' }
  const pat = (args: string[], input?: string, extra: NodeJS.ProcessEnv = {}) => run(exe, args, { env: { ...env, ...extra }, input, cwd: sb.dir })
  const git = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    run('/usr/bin/git', ['-c', 'credential.helper=', '-c', `credential.helper=${exe}`, ...args], { env: { ...env, ...extra }, cwd: sb.dir })
  const origin = `http://127.0.0.1:${srv.port}`

  t.test('no node on its PATH', async t => {
    const r = await run('/bin/sh', ['-c', 'command -v node || echo none'], { env })
    t.equal(r.stdout.trim(), 'none')
    t.match((await pat(['--version'])).stdout, /^\d+\.\d+\.\d+\n$/)
  })

  t.test('add, then get through the keychain (git ls-remote)', async t => {
    const add = await pat(['add', origin, '--token-stdin', '--name', 'exe', '--username', 'ci', '--provider', 'generic'], SECRET)
    t.equal(add.code, 0, add.stderr)
    const ls = await git(['ls-remote', srv.url('team/app')])
    t.equal(ls.code, 0, ls.stderr)
    t.match(ls.stdout, /^[0-9a-f]{40}\tHEAD$/m)
    t.same(srv.tokensSeen('team/app'), [SECRET])
  })

  t.test('get through the daemon it starts (itself, no launcher)', async t => {
    const daemon = { GIT_CREDENTIAL_PAT_DAEMON: 'always', GIT_CREDENTIAL_PAT_DAEMON_IDLE: '60' }
    t.equal((await pat(['daemon', 'start'], undefined, daemon)).code, 0)
    const get = await pat(['get'], `protocol=http\nhost=127.0.0.1:${srv.port}\n\n`, daemon)
    t.equal(get.code, 0, get.stderr)
    t.equal(get.stdout, `username=ci\npassword=${SECRET}\n`)
    const st = JSON.parse((await pat(['daemon', 'status', '--json'], undefined, daemon)).stdout) as { running: boolean; cached: number }
    t.ok(st.running)
    t.equal(st.cached, 1, 'the daemon answered from its cache')
    t.equal((await pat(['daemon', 'stop'], undefined, daemon)).code, 0)
  })

  t.test('store and erase (git credential approve/reject), list, doctor', async t => {
    const cred = `protocol=http\nhost=127.0.0.1:${srv.port}\nusername=ci\npassword=${SECRET}\n\n`
    t.equal((await pat(['store'], cred)).code, 0, 'store')
    t.equal((await pat(['erase'], cred)).code, 0, 'erase')
    const list = await pat(['list', '--json'])
    t.equal(list.code, 0, list.stderr)
    t.match(JSON.parse(list.stdout), [{ name: 'exe' }])
    const doctor = JSON.parse((await pat(['doctor', '--json'])).stdout) as { checks: Array<{ id: string; status: string; summary: string }> }
    t.match(
      doctor.checks.find(c => c.id === 'runtime'),
      { status: 'ok', summary: /Bun/ },
    )
    t.match(
      doctor.checks.find(c => c.id === 'keychain'),
      { status: 'ok' },
    )
  })
}
