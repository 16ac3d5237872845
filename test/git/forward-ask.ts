// The remote side's view of a forward (src/git/forward-where.ts,
// src/git/forward-ask.ts): where it looks, which sockets it refuses, and
// that a forward that is gone or silent is no answer rather than an error.
import t from 'tap'
import net from 'node:net'
import { chmodSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_FORWARD_NAME, forwardWhere } from '../../src/git/forward-where.js'
import { askForward, checkForwardSocket } from '../../src/git/forward-ask.js'
import { PatError } from '../../src/errors.js'

const dir = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), 'gcp-fwd-ask-'))
chmodSync(dir, 0o700)
const input = Buffer.from('protocol=https\nhost=example.com\npath=team/a.git\n\n')

async function serve(path: string, reply: (req: string) => string | null): Promise<net.Server> {
  const s = net.createServer(c => {
    let got = ''
    c.on('data', d => {
      got += d
      if (!got.includes('\n\n')) return
      const r = reply(got)
      if (r !== null) c.end(r)
    })
  })
  await new Promise<void>(r => s.listen(path, r))
  return s
}

t.test('forwardWhere: the environment, else the default path when it exists', async t => {
  t.same(forwardWhere({ GIT_CREDENTIAL_PAT_FORWARD: '/run/x.sock', HOME: dir }), { path: '/run/x.sock', by: 'env' })
  t.equal(forwardWhere({ HOME: dir }), null, 'no default socket')
  writeFileSync(join(dir, DEFAULT_FORWARD_NAME), '')
  t.same(forwardWhere({ HOME: dir }), { path: join(dir, DEFAULT_FORWARD_NAME), by: 'default' })
  t.equal(forwardWhere({ HOME: dir, GIT_CREDENTIAL_PAT_FORWARD: '' }), null, 'set empty: none at all')
  t.equal(forwardWhere({}), null)
})

t.test('checkForwardSocket refuses what is not a socket, and a socket under a directory others can write', async t => {
  const file = join(dir, DEFAULT_FORWARD_NAME)
  t.throws(
    () => checkForwardSocket({ path: file, by: 'default' }),
    new PatError('UNSAFE_PATH', `${file} is not a socket; refusing to ask a forward through it: remove it`),
  )
  const open = join(dir, 'open')
  const { mkdirSync } = await import('node:fs')
  mkdirSync(open)
  chmodSync(open, 0o777)
  const s = await serve(join(open, 's.sock'), () => '')
  t.teardown(() => void s.close())
  let err: unknown
  try {
    checkForwardSocket({ path: join(open, 's.sock'), by: 'env' })
  } catch (e) {
    err = e
  }
  t.ok(err instanceof PatError && /writable by other users/.test(err.message), String(err))
})

t.test('askForward: the reply parsed; a gone or silent forward is null; a stale default socket is removed', async t => {
  const path = join(dir, 'f.sock')
  const s = await serve(path, req => (req.startsWith('get\n') ? 'username=u\npassword=p\nwarning=expires soon\nquit=1\n' : ''))
  const r = await askForward({ path, by: 'env' }, 'get', input, {})
  t.same(r, { out: 'username=u\npassword=p\n', warnings: ['expires soon'], forwarded: false })
  await new Promise(res => s.close(res))
  t.equal(await askForward({ path: join(dir, 'none.sock'), by: 'env' }, 'get', input, {}), null, 'no socket: null')

  const silent = join(dir, 'silent.sock')
  const q = await serve(silent, () => null)
  t.teardown(() => void q.close())
  t.equal(await askForward({ path: silent, by: 'env' }, 'get', input, { GIT_CREDENTIAL_PAT_FORWARD_TIMEOUT_MS: '200' }), null, 'no answer in time: null')

  // A socket nobody listens on any more, as sshd leaves one behind.
  const home = mkdtempSync(join(dir, 'home-'))
  const stale = join(home, DEFAULT_FORWARD_NAME)
  // A listener killed outright leaves its file (a clean close would remove it).
  const { spawn } = await import('node:child_process')
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => console.log('up'))`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  await new Promise(res => child.stdout!.once('data', res))
  child.kill('SIGKILL')
  await new Promise(res => child.once('exit', res))
  t.ok(existsSync(stale), 'a stale socket file')
  t.equal(await askForward({ path: stale, by: 'default' }, 'get', input, {}), null)
  t.notOk(existsSync(stale), 'removed: it was ours, at the default path, and refused the connection')
})
