// bin/git-credential-pat finds its runtime at run time, beside the
// installation (docs/git-credential-pat.md, "Runtime"), and runs it only
// where nobody but you or root can have put it: the runtime and every
// directory above it owned by you or root and writable by nobody else (a
// root-owned sticky directory passes). Seen in copies of the installed
// layouts (npm's global prefix, npm's hoisting, a checkout) holding a
// stand-in Bun and Node that say they ran and with what.
import t from 'tap'
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { root, run } from './lib/env.js'
import { needsRoot } from '../lib/root.js'

const base = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-launcher-'))
chmodSync(base, 0o755)
t.teardown(() => rmSync(base, { recursive: true, force: true }))

/** A stand-in runtime: records that it ran, and its arguments, in `ran` beside `base`. Bun's must be big (the launcher takes a small bun.exe for the placeholder of a skipped postinstall). */
function fakeRuntime(path: string, name: string, big: boolean): void {
  mkdirSync(dirname(path), { recursive: true })
  const pad = big ? `# ${'x'.repeat(70_000)}\n` : ''
  writeFileSync(path, `#!/bin/sh\n${pad}printf '%s\\n' "${name} $*" >>"${join(base, 'ran')}"\n`, { mode: 0o755 })
}

/** An installed package at `pkg`: the launcher, bunfig, and a bundle. */
function pkgAt(pkg: string): string {
  mkdirSync(join(pkg, 'bin'), { recursive: true })
  for (const f of ['git-credential-pat', 'bunfig.toml', 'package.json']) copyFileSync(join(root, 'bin', f), join(pkg, 'bin', f))
  chmodSync(join(pkg, 'bin', 'git-credential-pat'), 0o755)
  mkdirSync(join(pkg, 'dist', 'pkg'), { recursive: true })
  writeFileSync(join(pkg, 'dist', 'pkg', 'main.js'), '')
  return join(pkg, 'bin', 'git-credential-pat')
}

const ran = () => {
  const f = join(base, 'ran')
  const text = existsSync(f) ? readFileSync(f, 'utf8') : ''
  rmSync(f, { force: true })
  return text
}
const noNode = { PATH: '/usr/bin:/bin' }

t.test('npm global prefix: the link in PREFIX/bin runs the package’s own Bun with its bunfig and bundle', async t => {
  const prefix = join(base, 'prefix')
  const pkg = join(prefix, 'lib', 'node_modules', 'git-credential-pat')
  pkgAt(pkg)
  fakeRuntime(join(pkg, 'node_modules', 'bun', 'bin', 'bun.exe'), 'bun', true)
  mkdirSync(join(prefix, 'bin'))
  symlinkSync('../lib/node_modules/git-credential-pat/bin/git-credential-pat', join(prefix, 'bin', 'git-credential-pat'))
  const r = await run(join(prefix, 'bin', 'git-credential-pat'), ['get'], { env: { ...process.env, ...noNode } })
  t.equal(r.code, 0, r.stderr)
  t.equal(ran(), `bun --config=${pkg}/bin/bunfig.toml ${pkg}/dist/pkg/main.js get\n`)
})

t.test('npm hoisting: Bun beside the package in the same node_modules', async t => {
  const nm = join(base, 'project', 'node_modules')
  const launcher = pkgAt(join(nm, 'git-credential-pat'))
  fakeRuntime(join(nm, 'bun', 'bin', 'bun.exe'), 'bun', true)
  const r = await run(launcher, ['list'], { env: { ...process.env, ...noNode } })
  t.equal(r.code, 0, r.stderr)
  t.match(ran(), `bun --config=${nm}/git-credential-pat/bin/bunfig.toml ${nm}/git-credential-pat/dist/pkg/main.js list\n`)
})

t.test('a directory others can write on the way to Bun: refused, Bun never runs', async t => {
  const pkg = join(base, 'open')
  const launcher = pkgAt(pkg)
  fakeRuntime(join(pkg, 'node_modules', 'bun', 'bin', 'bun.exe'), 'bun', true)
  chmodSync(join(pkg, 'node_modules'), 0o777)
  const r = await run(launcher, ['get'], { env: { ...process.env, ...noNode } })
  t.equal(r.code, 126)
  t.equal(r.stderr, `git-credential-pat: refusing to run ${pkg}/node_modules/bun/bin/bun.exe: ${pkg}/node_modules is writable by other users\n`)
  t.equal(ran(), '', 'nothing ran')
  chmodSync(join(pkg, 'node_modules'), 0o775)
  t.equal((await run(launcher, ['get'], { env: { ...process.env, ...noNode } })).code, 126, 'group-writable too')
  t.equal(ran(), '')
  chmodSync(join(pkg, 'node_modules'), 0o755)
  chmodSync(join(pkg, 'node_modules', 'bun', 'bin', 'bun.exe'), 0o777)
  t.equal((await run(launcher, ['get'], { env: { ...process.env, ...noNode } })).code, 126, 'the binary itself writable by others')
  t.equal(ran(), '')
})

t.test('a link on the way is judged by where it leads', async t => {
  const real = join(base, 'real-open')
  pkgAt(real)
  fakeRuntime(join(real, 'node_modules', 'bun', 'bin', 'bun.exe'), 'bun', true)
  const shared = join(base, 'shared')
  mkdirSync(shared, { mode: 0o777 })
  chmodSync(shared, 0o777)
  // The package's node_modules is a link into a directory anyone can write.
  rmSync(join(real, 'node_modules'), { recursive: true })
  mkdirSync(join(shared, 'nm', 'bun', 'bin'), { recursive: true })
  fakeRuntime(join(shared, 'nm', 'bun', 'bin', 'bun.exe'), 'bun', true)
  symlinkSync(join(shared, 'nm'), join(real, 'node_modules'))
  const r = await run(join(real, 'bin', 'git-credential-pat'), ['get'], { env: { ...process.env, ...noNode } })
  t.equal(r.code, 126)
  t.match(r.stderr, `${shared} is writable by other users`)
  t.equal(ran(), '')
})

t.test('a root-owned sticky directory (as /tmp) passes when the entry below is ours', async t => {
  const pkg = join(base, 'sticky', 'pkg')
  const launcher = pkgAt(pkg)
  fakeRuntime(join(pkg, 'node_modules', 'bun', 'bin', 'bun.exe'), 'bun', true)
  if (process.getuid!() === 0) chmodSync(join(base, 'sticky'), 0o1777)
  const r = await run(launcher, ['get'], { env: { ...process.env, ...noNode } })
  t.equal(r.code, 0, r.stderr)
  t.match(ran(), /^bun /)
})

t.test('a directory of another user on the way: refused', async t => {
  if (needsRoot(t, 'makes a directory of another uid')) return
  const pkg = join(base, 'theirs')
  const launcher = pkgAt(pkg)
  fakeRuntime(join(pkg, 'node_modules', 'bun', 'bin', 'bun.exe'), 'bun', true)
  chownSync(join(pkg, 'node_modules', 'bun'), 65534, 65534)
  const r = await run(launcher, ['get'], { env: { ...process.env, ...noNode } })
  t.equal(r.code, 126)
  t.equal(r.stderr, `git-credential-pat: refusing to run ${pkg}/node_modules/bun/bin/bun.exe: ${pkg}/node_modules/bun is owned by uid 65534, not you or root\n`)
  t.equal(ran(), '')
})

t.test('Node: when asked, when no Bun is installed, and when Bun’s postinstall never ran; checked alike', async t => {
  const pkg = join(base, 'node')
  const launcher = pkgAt(pkg)
  const nodeDir = join(base, 'nodebin')
  fakeRuntime(join(nodeDir, 'node'), 'node', false)
  const env = { ...process.env, PATH: `${nodeDir}:/usr/bin:/bin` }
  let r = await run(launcher, ['get'], { env })
  t.equal(r.code, 0, r.stderr)
  t.equal(ran(), `node ${pkg}/dist/pkg/main.js get\n`, 'no Bun installed')
  fakeRuntime(join(pkg, 'node_modules', 'bun', 'bin', 'bun.exe'), 'bun', false)
  r = await run(launcher, ['get'], { env })
  t.equal(ran(), `node ${pkg}/dist/pkg/main.js get\n`, 'bun.exe is the small placeholder of a skipped postinstall')
  fakeRuntime(join(pkg, 'node_modules', 'bun', 'bin', 'bun.exe'), 'bun', true)
  r = await run(launcher, ['get'], { env: { ...env, GIT_CREDENTIAL_PAT_RUNTIME: 'node' } })
  t.equal(ran(), `node ${pkg}/dist/pkg/main.js get\n`, 'GIT_CREDENTIAL_PAT_RUNTIME=node')
  chmodSync(nodeDir, 0o777)
  r = await run(launcher, ['get'], { env: { ...env, GIT_CREDENTIAL_PAT_RUNTIME: 'node' } })
  t.equal(r.code, 126)
  t.equal(r.stderr, `git-credential-pat: refusing to run ${nodeDir}/node: ${nodeDir} is writable by other users\n`)
  t.equal(ran(), '')
})

t.test('nothing of the build is recorded: no dist/bun or dist/node, and the launcher names no absolute path', async t => {
  t.notOk(existsSync(join(root, 'dist', 'bun')))
  t.notOk(existsSync(join(root, 'dist', 'node')))
  const text = readFileSync(join(root, 'bin', 'git-credential-pat'), 'utf8')
  t.notMatch(text, root)
})
