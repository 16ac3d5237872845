// An in-process daemon in its own state directory, for unit tests.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDaemon, type DaemonHandle, type DaemonOptions } from '../../../src/daemon/server.js'
import { request } from '../../../src/daemon/client/client.js'
import { runtimePaths, type RuntimePaths } from '../../../src/daemon/client/runtime.js'
import { FrameReader, encodeFrame, type Reply, type Request } from '../../../src/daemon/client/protocol.js'
import { newNonce, proofOf } from '../../../src/daemon/client/handshake.js'
import net from 'node:net'
import { readFileSync } from 'node:fs'
import { configureLog } from '../../../src/log/log.js'
import { statePaths } from '../../../src/state/paths.js'
import { testContext } from '../../lib/context.js'

export interface TestDaemon {
  handle: DaemonHandle
  paths: RuntimePaths
  env: NodeJS.ProcessEnv
  dir: string
  ask(req: Request): Promise<Reply>
}

export function tempHome(name: string): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), `gcp-${name}-`))
  return { dir, env: { ...process.env, GIT_CREDENTIAL_PAT_HOME: join(dir, 'pat'), GIT_CREDENTIAL_PAT_DAEMON: 'auto' } }
}

export async function testDaemon(
  t: { teardown(fn: () => void | Promise<void>): void },
  opts: Partial<DaemonOptions> = {},
  name = 'daemon',
): Promise<TestDaemon> {
  const { dir, env } = tempHome(name)
  configureLog(env, statePaths(env).log)
  const paths = runtimePaths(env)
  const handle = await startDaemon({ ctx: testContext({ env }), paths, cacheTimeoutMs: 60_000, idleMs: 0, ...opts })
  if (!handle) throw new Error('a daemon is already running there')
  t.teardown(() => {
    handle.close('test over')
    rmSync(dir, { recursive: true, force: true })
  })
  return { handle, paths, env, dir, ask: req => request(paths, req, 2000) }
}

/**
 * A connection that has done the handshake with the key in paths.key (as a
 * real client does), for tests that then send raw bytes. Leftover bytes the
 * daemon sent after its hello are passed on as `rest`.
 */
export function authenticated(paths: RuntimePaths): Promise<net.Socket> {
  const key = readFileSync(paths.key)
  return new Promise((res, rej) => {
    const s = net.createConnection(paths.socket)
    const cn = newNonce()
    const reader = new FrameReader()
    const timer = setTimeout(() => rej(new Error('no handshake within 5 s')), 5000)
    s.on('error', rej)
    s.on('connect', () => s.write(encodeFrame({ op: 'hello', nonce: cn.toString('base64') })))
    const onData = (chunk: Buffer) => {
      const [hello] = reader.push(chunk) as Array<{ nonce: string }>
      if (!hello) return
      clearTimeout(timer)
      s.off('data', onData)
      s.off('error', rej)
      s.write(encodeFrame({ op: 'auth', proof: proofOf(key, 'client', cn, Buffer.from(hello.nonce, 'base64')).toString('base64') }))
      res(s)
    }
    s.on('data', onData)
  })
}
