// An in-process daemon in its own state directory, for unit tests.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDaemon, type DaemonHandle, type DaemonOptions } from '../../../src/daemon/server.js'
import { request } from '../../../src/daemon/client.js'
import { runtimePaths, type RuntimePaths } from '../../../src/daemon/runtime.js'
import type { Reply, Request } from '../../../src/daemon/protocol.js'
import { configureLog } from '../../../src/log.js'

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
  configureLog(env)
  const paths = runtimePaths(env)
  const handle = await startDaemon({ paths, cacheTimeoutMs: 60_000, idleMs: 0, ...opts })
  if (!handle) throw new Error('a daemon is already running there')
  t.teardown(() => {
    handle.close('test over')
    rmSync(dir, { recursive: true, force: true })
  })
  return { handle, paths, env, dir, ask: req => request(paths.socket, req, 2000) }
}
