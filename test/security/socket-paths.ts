// Where the daemon socket may live: never under a
// shared temp directory, and never below a directory another user can write,
// checked from the socket directory all the way up to /.
import t from 'tap'
import { rootTest } from '../lib/root.js'
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run, root } from '../e2e/lib/env.js'
import { checkRuntimeDir, checkClientPaths, runtimePaths } from '../../src/daemon/client/runtime.js'
import { startDaemon } from '../../src/daemon/server.js'
import { DaemonClient } from '../../src/daemon/client/client.js'
import { testContext } from '../lib/context.js'

/** runtimePaths(env).dir as the built module computes it in a fresh process with exactly `env` (env-paths reads it at load). */
async function runtimeDirIn(env: NodeJS.ProcessEnv): Promise<string> {
  const code = `const m = await import(process.argv[1]); process.stdout.write(m.runtimePaths(process.env).dir)`
  const r = await run(process.execPath, ['--input-type=module', '-e', code, join(root, 'dist', 'daemon', 'client', 'runtime.js')], { env })
  if (r.code !== 0) throw new Error(r.stderr)
  return r.stdout
}

t.test('default runtime directory: the user cache dir, never the temp dir', async t => {
  const base = { PATH: process.env.PATH }
  const home = '/var/lib/gcp-nonexistent-home'
  const dflt = await runtimeDirIn({ ...base, HOME: home })
  t.equal(dflt, join(home, '.cache', 'git-credential-pat', 'run'))
  t.notOk(dflt.startsWith(tmpdir() + '/'), `${dflt} is not under ${tmpdir()}`)
  t.notOk(dflt.startsWith('/tmp/'), 'nor under /tmp')
  // Even with TMPDIR pointing somewhere: the temp dir is not ours alone.
  t.equal(await runtimeDirIn({ ...base, HOME: home, TMPDIR: '/var/tmp' }), join(home, '.cache', 'git-credential-pat', 'run'))
  t.equal(await runtimeDirIn({ ...base, HOME: home, XDG_CACHE_HOME: '/srv/cache' }), '/srv/cache/git-credential-pat/run')
  t.equal(await runtimeDirIn({ ...base, HOME: home, XDG_RUNTIME_DIR: '/run/user/1234' }), '/run/user/1234/git-credential-pat')
  t.equal(
    await runtimeDirIn({ ...base, HOME: home, XDG_RUNTIME_DIR: '/run/user/1234', GIT_CREDENTIAL_PAT_HOME: '/srv/pat' }),
    '/srv/pat/run',
    'GIT_CREDENTIAL_PAT_HOME moves everything (SPEC §4)',
  )
})

/** A fresh tree base/a/b/run (all 0700, ours); base itself is made 0755 so other uids could reach in. */
function tree(t: { teardown(fn: () => void): void }) {
  const base = mkdtempSync(join(tmpdir(), 'gcp-anc-'))
  chmodSync(base, 0o755)
  t.teardown(() => rmSync(base, { recursive: true, force: true }))
  const a = join(base, 'a')
  const b = join(a, 'b')
  const dir = join(b, 'run')
  return { base, a, b, dir }
}

t.test('creates the socket directory 0700 and accepts a tree only we can write', async t => {
  const { a, dir } = tree(t)
  checkRuntimeDir(dir, true)
  t.equal(statSync(dir).mode & 0o777, 0o700)
  t.equal(statSync(a).mode & 0o777, 0o700, 'missing ancestors are created 0700 too')
  chmodSync(a, 0o755) // a home directory: 0755, ours
  t.doesNotThrow(() => checkRuntimeDir(dir, false))
})

t.test('an ancestor writable by others or by the group is refused, with the fix', async t => {
  const { a, dir } = tree(t)
  checkRuntimeDir(dir, true)
  for (const mode of [0o777, 0o757, 0o775, 0o770]) {
    chmodSync(a, mode)
    t.throws(
      () => checkRuntimeDir(dir, false),
      { code: 'DAEMON', message: new RegExp(`^${a} is writable by other users \\(mode ${mode.toString(8)}\\).*XDG_RUNTIME_DIR`) },
      `mode ${mode.toString(8)}`,
    )
  }
  chmodSync(a, 0o755)
  t.doesNotThrow(() => checkRuntimeDir(dir, false))
})

rootTest('an ancestor owned by another uid is refused even if closed', async t => {
  const { a, dir } = tree(t)
  checkRuntimeDir(dir, true)
  chownSync(a, 65534, 65534)
  chmodSync(a, 0o755)
  t.throws(() => checkRuntimeDir(dir, false), { code: 'DAEMON', message: new RegExp(`^${a} is owned by uid 65534`) })
})

rootTest('a root-owned sticky ancestor (like /tmp) is fine only with our own directory right below it', async t => {
  const { a, b, dir } = tree(t)
  checkRuntimeDir(dir, true)
  chmodSync(a, 0o1777)
  t.doesNotThrow(() => checkRuntimeDir(dir, false), 'sticky /tmp-like, our directory below: accepted')
  chownSync(b, 65534, 65534)
  t.throws(
    () => checkRuntimeDir(dir, false),
    { code: 'DAEMON', message: new RegExp(`^${b} is owned by uid 65534`) },
    "sticky, but the entry below is another uid's",
  )
  chownSync(b, 0, 0)
  chownSync(a, 65534, 65534)
  t.throws(() => checkRuntimeDir(dir, false), { code: 'DAEMON', message: /owned by uid 65534/ }, "sticky but not root's")
})

t.test('a symlinked ancestor is judged by where it leads', async t => {
  const { base, dir } = tree(t)
  checkRuntimeDir(dir, true)
  const open = join(base, 'open')
  mkdirSync(join(open, 'x', 'run'), { recursive: true, mode: 0o700 })
  chmodSync(open, 0o777)
  symlinkSync(join(open, 'x'), join(base, 'link'))
  t.throws(() => checkRuntimeDir(join(base, 'link', 'run'), false), { code: 'DAEMON', message: /is writable by other users \(mode 777\)/ })
  chmodSync(open, 0o755)
  t.doesNotThrow(() => checkRuntimeDir(join(base, 'link', 'run'), false))
})

rootTest('the socket directory itself: ours and 0700, or refused naming the fix', async t => {
  const { dir } = tree(t)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  chmodSync(dir, 0o711)
  t.throws(() => checkRuntimeDir(dir, false), { message: new RegExp(`^${dir} is open to other users \\(mode 711\\).*chmod 700 ${dir}`) })
  chmodSync(dir, 0o700)
  chownSync(dir, 65534, 65534)
  t.throws(() => checkRuntimeDir(dir, false), { message: /owned by uid 65534, not you/ })
})

t.test('neither the daemon nor a client uses a socket below an open ancestor', async t => {
  const home = mkdtempSync(join(tmpdir(), 'gcp-anc-use-'))
  t.teardown(() => rmSync(home, { recursive: true, force: true }))
  const env = { ...process.env, GIT_CREDENTIAL_PAT_HOME: join(home, 'shared', 'pat') }
  const paths = runtimePaths(env)
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 })
  chmodSync(join(home, 'shared'), 0o777)
  await t.rejects(startDaemon({ ctx: testContext(), paths, cacheTimeoutMs: 1000, idleMs: 0 }), { code: 'DAEMON', message: /writable by other users/ })
  t.throws(() => checkClientPaths(paths), { code: 'DAEMON', message: /writable by other users/ })
  const c = new DaemonClient(env)
  t.equal(await c.call({ op: 'ping' }), null)
  t.equal(c.lastFailure, 'unsafe')
  t.match(c.refusal, /writable by other users/)
  t.equal(await c.spawnDetached(), false, 'and no daemon is spawned there')
})
