// The npm package, as a new user gets it (README, "Install with npm"): `npm
// pack` in a copy of this checkout, the copy removed, then `npm install -g`
// of the tarball into a user prefix by an ordinary user (as root: a second
// uid with its own HOME; otherwise the user running the tests). The
// installed helper answers real git against the loopback forge from a
// throwaway keyring of that user; --version and `man -w` work; the install
// stays small and the tarball holds only what runs, with no path of the
// machine that packed it.
import t from 'tap'
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { homedir, userInfo } from 'node:os'
import { join } from 'node:path'
import { root, run } from './lib/env.js'
import { startGitServer } from './lib/git-server.js'
import { isRoot } from '../lib/root.js'

const SECRET = 'npm-install-token-7f3c'
const LIMIT = 120e6 // bytes installed, Bun's ~107 MB included
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version

// A second uid reaches nothing under the test session's private TMPDIR: this lives in /tmp.
const base = mkdtempSync('/tmp/gcp-npm-')
chmodSync(base, 0o755)
t.teardown(() => rmSync(base, { recursive: true, force: true }))
const user = isRoot() ? { uid: 65534, gid: 65534, name: 'nobody' } : { uid: process.getuid!(), gid: process.getgid!(), name: userInfo().username }
const home = join(base, 'home')
const prefix = join(home, '.npm-global')
mkdirSync(home, { mode: 0o700 })

/** Run as the installing user: its own HOME and a PATH with its prefix, nothing else of ours. */
function asUser(cmd: string, args: string[], extra: NodeJS.ProcessEnv = {}, timeout = 240_000) {
  const env: NodeJS.ProcessEnv = {
    HOME: home,
    PATH: `${join(prefix, 'bin')}:/usr/local/bin:/usr/bin:/bin`,
    LANG: 'C.UTF-8',
    XDG_RUNTIME_DIR: join(home, 'run'),
    ...(process.env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS } : {}),
    ...extra,
  }
  const argv = isRoot() ? ['--reuid', String(user.uid), '--regid', String(user.gid), '--clear-groups', 'env', '-i', ...envArgs(env), cmd, ...args] : []
  return isRoot() ? run('setpriv', argv, { cwd: home, timeout }) : run('env', ['-i', ...envArgs(env), cmd, ...args], { cwd: home, timeout })
}
const envArgs = (env: NodeJS.ProcessEnv) => Object.entries(env).map(([k, v]) => `${k}=${v}`)

/** npm's cache for the user: the runner's own when that is the user, else a copy of it (so the install needs no network where the runner has installed before). */
function npmCache(): string {
  const mine = process.env.npm_config_cache || join(homedir(), '.npm')
  if (!isRoot()) return mine
  const cache = join(home, '.npm')
  if (existsSync(join(mine, '_cacache'))) cpSync(join(mine, '_cacache'), join(cache, '_cacache'), { recursive: true })
  return cache
}

/** Every file under dir, as relative paths. */
function walk(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap(d => (d.isDirectory() ? walk(dir, join(rel, d.name)) : [join(rel, d.name)]))
}

let tarball = ''
let copy = ''

t.test('npm pack in a copy of the checkout: only what runs, no path of this machine', async t => {
  copy = mkdtempSync(join(base, 'checkout-'))
  // The checkout as git knows it, with its built dist/ (mtimes kept, so packing does not build again).
  const files = await run('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root })
  t.equal(files.code, 0, files.stderr)
  const tar = await run('sh', ['-c', `tar -C "$1" --null -T - -cf - | tar -C "$2" -xf -`, 'sh', root, copy], { input: files.stdout })
  t.equal(tar.code, 0, tar.stderr)
  cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true, verbatimSymlinks: true, preserveTimestamps: true })
  // Only for a build, should packing find dist/ stale (scripts/package.sh); removed with the copy.
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'))
  const out = join(base, 'out')
  mkdirSync(out)
  const pack = await run('npm', ['pack', '--pack-destination', out, '--loglevel=error', '--no-update-notifier'], { cwd: copy, timeout: 240_000 })
  t.equal(pack.code, 0, pack.stderr)
  tarball = join(out, pack.stdout.trim().split('\n').pop()!)
  t.ok(existsSync(tarball), tarball)
  t.notOk(existsSync(join(copy, 'dist', 'pkg')), 'postpack removed the staged bundle')

  const x = join(base, 'unpacked')
  mkdirSync(x)
  t.equal((await run('tar', ['-xzf', tarball, '-C', x])).code, 0)
  const list = walk(join(x, 'package')).sort()
  t.same(
    list.filter(
      f =>
        !/^(bin\/(git-credential-pat|bunfig\.toml|package\.json)|dist\/(pkg\/[^/]+\.js|man\/git-credential-pat\.1|completion\/_?git-credential-pat)|package\.json|README\.md|LICENSE)$/.test(
          f,
        ),
    ),
    [],
    'nothing but the launcher, one bundle, the page, the completions',
  )
  t.ok(list.includes('dist/pkg/main.js'), 'the bundle')
  t.notOk(
    list.some(f => f.endsWith('.map')),
    'no source maps',
  )
  const machine = [copy, root, `${userInfo().homedir}/`, join(root, 'node_modules')]
  for (const f of list) {
    const text = readFileSync(join(x, 'package', f), 'latin1')
    for (const p of machine) t.notOk(text.includes(p), `${f} names no ${p}`, { diagnostic: false })
  }
  rmSync(copy, { recursive: true, force: true })
  t.notOk(existsSync(copy), 'the packing checkout is gone')
  chmodSync(out, 0o755)
})

t.test(`npm install -g into a user prefix, as ${user.name}; git ls-remote through it in a throwaway keyring`, async t => {
  if (!tarball) return t.fail('no tarball')
  const cache = npmCache()
  mkdirSync(join(home, 'run'), { mode: 0o700 })
  if (isRoot()) await run('chown', ['-R', `${user.uid}:${user.gid}`, home])
  const cafile = (await run('npm', ['config', 'get', 'cafile'])).stdout.trim()
  const install = await asUser('npm', [
    'install',
    '-g',
    '--prefix',
    prefix,
    '--cache',
    cache,
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    '--no-update-notifier',
    '--loglevel=error',
    ...(cafile && cafile !== 'null' && cafile !== 'undefined' ? ['--cafile', cafile] : []),
    tarball,
  ])
  t.equal(install.code, 0, install.stderr)
  const pkg = join(prefix, 'lib', 'node_modules', 'git-credential-pat')
  const du = await run('du', ['-sb', pkg])
  const size = Number(du.stdout.split(/\s/)[0])
  t.comment(`installed size: ${(size / 1e6).toFixed(1)} MB (${pkg})`)
  t.ok(size > 0 && size <= LIMIT, `installed size ${(size / 1e6).toFixed(1)} MB <= ${LIMIT / 1e6} MB`)
  t.notOk(existsSync(join(pkg, 'node_modules', 'date-fns')), 'libraries the bundle holds are not installed')
  t.notOk(existsSync(join(pkg, 'node_modules', 'yargs')))

  const srv = await startGitServer({ repos: ['team/app'], tokens: [{ token: SECRET, paths: [''], access: 'read' }] })
  t.teardown(() => srv.close())
  const secretFile = join(home, 'secret')
  writeFileSync(secretFile, SECRET, { mode: 0o600 })
  if (isRoot()) chownSync(secretFile, user.uid, user.gid)
  // A private D-Bus session and a throwaway keyring of this user's, as scripts/keyring-session.sh makes.
  const script = `set -e
eval "$(printf %s throwaway | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
trap '[ -n "\${GNOME_KEYRING_PID:-}" ] && kill "$GNOME_KEYRING_PID"' EXIT
export GNOME_KEYRING_CONTROL
echo "version: $(git-credential-pat --version)"
echo "man: $(man -w git-credential-pat)"
git-credential-pat add "$ORIGIN" --token-stdin --name npm --username ci --provider generic <"$SECRET_FILE" >/dev/null
git -c credential.helper= -c credential.helper=pat ls-remote "$URL" | sed 's/^/ls-remote: /'
GIT_CREDENTIAL_PAT_RUNTIME=node git -c credential.helper= -c credential.helper=pat ls-remote "$URL" | sed 's/^/node: /'`
  const origin = `http://127.0.0.1:${srv.port}`
  const r = await asUser('dbus-run-session', ['--', 'bash', '-c', script], {
    ORIGIN: origin,
    URL: srv.url('team/app'),
    SECRET_FILE: secretFile,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CREDENTIAL_PAT_DAEMON: 'never',
    GIT_CREDENTIAL_PAT_ADD_CHECK: '0',
  })
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, new RegExp(`^version: ${version.replace(/\./g, '\\.')}$`, 'm'), '--version prints the package version')
  t.match(r.stdout, `man: ${join(pkg, 'dist', 'man', 'git-credential-pat.1')}\n`, 'man finds the page through PATH')
  t.match(r.stdout, /^ls-remote: [0-9a-f]{40}\tHEAD$/m, 'git authenticated through the installed helper (Bun)')
  t.match(r.stdout, /^node: [0-9a-f]{40}\tHEAD$/m, 'and through its Node fallback')
  t.same(srv.tokensSeen('team/app'), [SECRET], 'with the token from the keyring')
  t.notOk(r.stdout.includes(SECRET) || r.stderr.includes(SECRET), 'the secret printed nowhere')
})
