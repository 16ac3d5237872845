// runtime/libc.ts: the libc calls git's path makes under Bun give what
// node:fs gives for the same files (the socket and key checks rest on
// them), and fail with the same codes. Run in Bun (libc-probe.ts), since
// bun:ffi exists only there; under Node libc() is null.
import t from 'tap'
import { execFile, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { libc } from '../../src/runtime/libc.js'

const root = resolve(import.meta.dirname, '../..')
const bun = join(root, 'node_modules/bun/bin/bun.exe')
const probe = join(import.meta.dirname, 'lib/libc-probe.ts')

t.equal(libc(), null, 'under Node: no bindings (node:fs and node:net instead)')

const onLinuxBun = process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64') && existsSync(join(root, 'dist/bin/git-credential-pat'))
t.ok(onLinuxBun || process.platform !== 'linux', 'on Linux x64/arm64 the build found Bun, so the bindings are tested here')

function runProbe(ops: unknown[]): Promise<Array<Record<string, unknown>>> {
  return new Promise((ok, fail) =>
    execFile(bun, [probe, JSON.stringify(ops)], { cwd: root, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return fail(new Error(`${err.message}\n${stderr}`))
      const out = JSON.parse(stdout)
      if (out.error) return fail(new Error(out.error))
      ok(out)
    }),
  )
}

if (onLinuxBun) {
  const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-libc-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const p = (n: string) => join(dir, n)
  writeFileSync(p('f'), 'hello, read in pieces of seven')
  writeFileSync(p('k'), Buffer.alloc(32, 7), { mode: 0o600 })
  chmodSync(p('k'), 0o600)
  mkdirSync(p('d'), { mode: 0o700 })
  symlinkSync('f', p('l'))
  symlinkSync('missing', p('dl'))
  t.equal(spawnSync('mkfifo', [p('fifo')]).status, 0, 'a FIFO to open')
  const server = createServer(s => s.on('data', d => s.write(d)))
  t.teardown(() => server.close())

  t.test('stat and lstat: the same mode, owner, size, inode and type as node:fs, or the same error code', async t => {
    const paths = ['f', 'k', 'd', 'l', 'dl', 'fifo', 's', 'missing', 'f/below'].map(p)
    await new Promise<void>(ok => server.listen(p('s'), ok))
    const ops = [...paths, '/tmp', '/', `${p('f')}\0x`].flatMap(path => [false, true].map(follow => ({ op: 'stat', path, follow })))
    const out = await runProbe(ops)
    ops.forEach((o, i) => t.same(out[i].libc, out[i].node, `${o.follow ? 'stat' : 'lstat'} ${o.path.replace(dir, '…').replace('\0', '\\0')}`))
    const byName = (n: string, follow: boolean) => out[ops.findIndex(o => o.path === p(n) && o.follow === follow)].libc as Record<string, unknown>
    t.same(byName('l', false).types, [false, false, true, false], 'lstat of a link: a link')
    t.same(byName('l', true).types, [true, false, false, false], 'stat of a link: its file')
    t.same(byName('s', false).types, [false, false, false, true], 'a socket')
    t.equal((byName('k', false).mode as number) & 0o777, 0o600, 'the key mode')
    t.equal(byName('missing', false).code, 'ENOENT')
    t.equal(byName('f/below', false).code, 'ENOTDIR')
    t.equal((out.at(-1)!.libc as { code: string }).code, 'ERR_INVALID_ARG_VALUE', 'a NUL in a path is refused, not cut short')
  })

  t.test('open without following a link, fstat and read: as node:fs', async t => {
    const names = ['f', 'k', 'l', 'dl', 'missing', 'fifo', 'd']
    const out = await runProbe(names.map(n => ({ op: 'open', path: p(n) })))
    names.forEach((n, i) => t.same(out[i].libc, out[i].node, n))
    t.equal((out[0].libc as { text: string }).text, 'hello, read in pieces of seven', 'the whole file, over several reads')
    t.equal((out[2].libc as { code: string }).code, 'ELOOP', 'a link is refused')
    t.equal((out[5].libc as { text: string }).text, '', 'a FIFO with no writer: no wait, nothing read')
    t.equal((out[6].libc as { code: string }).code, 'EISDIR', 'a directory cannot be read')
  })

  t.test('a Unix socket: connect, send, poll and read; refused and missing peers; poll gives up on time', async t => {
    if (!server.listening) await new Promise<void>(ok => server.listen(p('s'), ok))
    const [echo, silent, missing, notSocket] = await runProbe([
      { op: 'connect', path: p('s'), send: 'ping' },
      { op: 'connect', path: p('s'), waitMs: 100 },
      { op: 'connect', path: p('missing') },
      { op: 'connect', path: p('f') },
    ])
    t.match(echo, { connected: true, ready: true, got: 'ping' }, 'the peer answers')
    t.match(silent, { connected: true, ready: false, got: null }, 'a silent peer: poll says so')
    t.ok((silent.waited as number) >= 90, `after the time given (${silent.waited} ms)`)
    t.same(missing, { code: 'ENOENT' }, 'nobody there')
    t.same(notSocket, { code: 'ECONNREFUSED' }, 'not a socket')
  })
}
