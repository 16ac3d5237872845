// Daemon sandboxes for end-to-end tests (test/e2e/daemon.ts,
// daemon-answer.ts): a sandbox whose helper uses the daemon, start and stop
// it, and read the helper's request lines from the log.
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { sandbox, type Sandbox } from './env.js'

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

export const ours: string[] = [] // sandbox directories, for the leftover-daemon check

/** A sandbox whose helper uses the daemon in `mode`, with a short idle exit as a backstop. */
export function dsandbox(name: string, mode: 'auto' | 'always' | 'never' = 'auto'): Sandbox {
  const sb = sandbox(`d-${name}`)
  Object.assign(sb.env, { GIT_CREDENTIAL_PAT_DAEMON: mode, GIT_CREDENTIAL_PAT_DAEMON_IDLE: '60' })
  delete sb.env.GIT_CREDENTIAL_PAT_TRACE
  delete sb.env.GIT_CREDENTIAL_PAT_CACHE_TIMEOUT
  ours.push(sb.dir)
  return sb
}

export const runDir = (sb: Sandbox) => join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'run')
export const socketOf = (sb: Sandbox) => join(runDir(sb), 'daemon.sock')
export const logOf = (sb: Sandbox) => join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'log', 'git-credential-pat.log')

export async function status(sb: Sandbox): Promise<{ running: boolean; pid?: number; cached?: number; sessions?: number; cacheTimeout?: number }> {
  const r = await sb.pat(['daemon', 'status', '--json'])
  return JSON.parse(r.stdout)
}

/** `daemon start`, and its pid; throws if it did not start. */
export async function start(sb: Sandbox): Promise<number> {
  const r = await sb.pat(['daemon', 'start'])
  const st = await status(sb)
  if (r.code !== 0 || !st.running) throw new Error(`daemon start failed (${r.code}): ${r.stderr}`)
  return st.pid!
}

/** After a test: stop its daemon and remove its sandbox (a stray daemon's watchdog sees its socket go). */
export async function cleanup(sb: Sandbox): Promise<void> {
  await stop(sb)
  rmSync(sb.dir, { recursive: true, force: true })
}

/** Stop the sandbox's daemon, waiting for one that is still starting. */
export async function stop(sb: Sandbox): Promise<void> {
  const starting = join(runDir(sb), 'starting')
  for (let i = 0; i < 200 && existsSync(starting); i++) await sleep(50)
  await sb.pat(['daemon', 'stop'])
}

/** The helper's own request lines from the log. */
export function requests(sb: Sandbox): Array<Record<string, unknown>> {
  if (!existsSync(logOf(sb))) return []
  return readFileSync(logOf(sb), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(l => JSON.parse(l))
    .filter(r => r.component === 'helper' && r.msg === 'request')
}

export const lastVia = (sb: Sandbox) => requests(sb).at(-1)?.via
