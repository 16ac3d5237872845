// The client's connection (src/daemon/client/connect.ts and its backends):
// each backend delivers the same events for the same exchanges, always
// after it returned: an echo, a megabyte written in pieces, a peer that
// ends the connection, nobody there (ENOENT), a socket nobody listens on
// (ECONNREFUSED). Node's backend runs here; libc's and Bun.connect's run in
// Bun (lib/connect-probe.ts), since bun:ffi and Bun.connect exist only there.
import t, { type Test } from 'tap'
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import net from 'node:net'
import { join, resolve } from 'node:path'
import { connectUnix } from '../../../src/daemon/client/connect.js'
import { nodeConnect } from '../../../src/daemon/client/connect-node.js'
import { scenarios, type Paths, type Seen } from './lib/connect-scenarios.js'

const root = resolve(import.meta.dirname, '../../..')
const bun = join(root, 'node_modules/bun/bin/bun.exe')
const probe = join(import.meta.dirname, 'lib/connect-probe.ts')

const EXPECTED: Record<string, Partial<Seen>> = {
  echo: { events: ['connect', 'data'], afterReturn: true, got: 'hello' },
  big: { events: ['connect', 'data'], afterReturn: true, got: String(1 << 20) },
  bye: { events: ['connect', 'data', 'close'], afterReturn: true, got: 'bye' },
  missing: { events: ['error', 'close'], afterReturn: true, got: '', code: 'ENOENT' },
  stale: { events: ['error', 'close'], afterReturn: true, got: '', code: 'ECONNREFUSED' },
}

async function sockets(t: Test): Promise<Paths> {
  // Short: a socket path must fit sun_path.
  const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-conn-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const p: Paths = { echo: join(dir, 'echo'), bye: join(dir, 'bye'), missing: join(dir, 'missing'), stale: join(dir, 'stale') }
  const echo = net.createServer(s => s.on('data', d => s.write(d)).on('error', () => {}))
  const bye = net.createServer(s => s.on('error', () => {}).once('data', () => s.end('bye')))
  await Promise.all([new Promise<void>(r => echo.listen(p.echo, r)), new Promise<void>(r => bye.listen(p.bye, r))])
  t.teardown(() => {
    echo.close()
    bye.close()
  })
  // A socket file left by a listener killed with -9: nobody accepts there.
  const dead = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(p.stale)}, () => console.log('up'))`])
  await new Promise<void>(r => dead.stdout.once('data', () => r()))
  dead.kill('SIGKILL')
  await new Promise(r => dead.once('close', r))
  t.ok(existsSync(p.stale), 'a stale socket file')
  return p
}

const compare = (t: Test, got: Record<string, Seen>, how: string) => {
  for (const [name, want] of Object.entries(EXPECTED)) t.match(got[name], want, `${how}: ${name}`)
  for (const name of Object.keys(EXPECTED)) t.same(got[name].events, EXPECTED[name].events, `${how}: ${name}, no other event`)
}

t.test('node:net: the events of each exchange, after connectUnix returned', async t => {
  const p = await sockets(t)
  compare(t, await scenarios(nodeConnect, p), 'node:net')
  compare(t, await scenarios(connectUnix, p), 'connectUnix under Node')
})

const onLinuxBun = process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64') && existsSync(join(root, 'dist/bin/git-credential-pat'))
t.ok(onLinuxBun || process.platform !== 'linux', 'on Linux x64/arm64 the build found Bun, so its backends are tested here')

t.test(
  'under Bun: libc and Bun.connect give the same, and connectUnix takes libc once git’s path loaded it',
  { skip: !onLinuxBun && 'no Bun here' },
  async t => {
    const p = await sockets(t)
    const out = await new Promise<Record<string, unknown>>((ok, fail) =>
      execFile(bun, [probe, JSON.stringify(p)], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) => {
        if (err) return fail(new Error(`${err.message}\n${stderr}`))
        ok(JSON.parse(stdout))
      }),
    )
    t.equal(out.error, undefined)
    for (const how of ['bun', 'chosenBefore', 'libc', 'chosenAfter']) compare(t, out[how] as Record<string, Seen>, how)
    t.equal(out.libcConnects, Object.keys(EXPECTED).length, 'connectUnix: every connection through libc')
  },
)
