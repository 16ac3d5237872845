// The daemon's sockets are made closed to others and then given their mode.
import t from 'tap'
import net from 'node:net'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { listenPrivate } from '../../src/daemon/listen.js'

t.test('a socket with the mode asked for, the umask restored, connections capped', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'gcp-listen-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const before = process.umask()
  for (const mode of [0o600, 0o660]) {
    const socket = join(dir, `s-${mode.toString(8)}`)
    const server = await listenPrivate(socket, mode, 7)
    t.teardown(() => void server.close())
    t.ok(statSync(socket).isSocket())
    t.equal(statSync(socket).mode & 0o777, mode, `mode ${mode.toString(8)}`)
    t.equal(server.maxConnections, 7)
    const c = net.connect(socket)
    await new Promise<void>((res, rej) => c.once('connect', res).once('error', rej))
    c.destroy()
  }
  t.equal(process.umask(), before, 'the umask is as it was')
})

t.test('a path that cannot be bound: the error, and the umask restored', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'gcp-listen-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'file'), '')
  const before = process.umask()
  const err = await listenPrivate(join(dir, 'file', 's'), 0o600, 1).then(
    () => null,
    (e: NodeJS.ErrnoException) => e,
  )
  t.equal(err?.code, 'ENOTDIR', 'under a file: refused')
  t.equal(process.umask(), before)
})
