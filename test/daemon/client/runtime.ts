// Where the daemon's socket lives and the checks before trusting it
// (src/daemon/client/runtime.ts): the directory ours and closed to others,
// the socket a socket of ours closed to others, the path short enough.
import t from 'tap'
import net from 'node:net'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkClientPaths, checkRuntimeDir, checkSocket, checkSocketPathLength, runtimePaths } from '../../../src/daemon/client/runtime.js'

// Short: a socket path must fit sun_path.
const base = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-rt-'))
t.teardown(() => rmSync(base, { recursive: true, force: true }))

t.test('runtimePaths: the socket, key, lock and starting mark in the home’s runtime directory', async t => {
  const p = runtimePaths({ GIT_CREDENTIAL_PAT_HOME: '/somewhere/pat' })
  t.match(p, { socket: `${p.dir}/daemon.sock`, key: `${p.dir}/daemon.key`, lock: `${p.dir}/daemon.lock`, starting: `${p.dir}/starting` })
})

t.test('checkRuntimeDir: made 0700 when asked; a file, a link or an open directory refused', async t => {
  const made = join(base, 'made')
  t.throws(() => checkRuntimeDir(made, false), { code: 'ENOENT' }, 'absent and not to be made')
  checkRuntimeDir(made, true)
  t.equal(statSync(made).mode & 0o777, 0o700)
  writeFileSync(join(base, 'file'), '')
  t.throws(() => checkRuntimeDir(join(base, 'file'), false), { code: 'DAEMON', message: /is not a directory; refusing/ })
  symlinkSync(made, join(base, 'link'))
  t.throws(() => checkRuntimeDir(join(base, 'link'), false), { code: 'DAEMON', message: /is not a directory \(a symbolic link\)/ })
  mkdirSync(join(base, 'open'))
  chmodSync(join(base, 'open'), 0o755)
  t.throws(() => checkRuntimeDir(join(base, 'open'), false), { code: 'DAEMON' }, 'readable by others')
})

t.test('checkSocket and checkClientPaths: none is false, a socket of ours closed to others is true, anything else refused', async t => {
  const dir = join(base, 'sock')
  mkdirSync(dir, { mode: 0o700 })
  const sock = join(dir, 's')
  t.equal(checkSocket(sock), false)
  t.equal(checkClientPaths({ dir: join(base, 'none'), socket: join(base, 'none', 's'), key: '', lock: '', starting: '' }), false, 'no directory')
  const server = net.createServer()
  await new Promise<void>(r => server.listen(sock, r))
  t.teardown(() => void server.close())
  chmodSync(sock, 0o600)
  t.equal(checkSocket(sock), true)
  t.equal(checkClientPaths({ dir, socket: sock, key: '', lock: '', starting: '' }), true)
  chmodSync(sock, 0o660)
  t.throws(() => checkSocket(sock), { code: 'DAEMON', message: /is open to other users \(mode 660\)/ })
  writeFileSync(join(dir, 'f'), '')
  t.throws(() => checkSocket(join(dir, 'f')), { code: 'DAEMON', message: /is not a socket/ })
})

t.test('checkSocketPathLength: over 100 bytes refused with the fix', async t => {
  checkSocketPathLength(`/${'a'.repeat(99)}`)
  t.throws(() => checkSocketPathLength(`/${'a'.repeat(100)}`), { code: 'DAEMON', message: /too long for a Unix socket; set XDG_RUNTIME_DIR/ })
})
