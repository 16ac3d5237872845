// `git-credential-pat daemon run`: the daemon process itself (server.ts),
// with the settings it reads once at start.
import { resolve } from 'node:path'
import { runtimePaths, type RuntimePaths } from './client/runtime.js'
import { configureLog, logger, usePino } from '../log/log.js'
import type { Context } from '../state/context.js'
import { useKeychain } from '../state/keychain-account.js'
import { setting } from '../gitconfig/settings.js'
import { report } from '../log/report.js'
import { closeInheritedFds } from './fds.js'
import { hardenProcess } from '../runtime/harden.js'
import { startDaemon, type DaemonHandle } from './server.js'

const log = logger('daemon')

/** Settings the daemon reads once at start: env overrides (tests), then git config, then defaults. */
export function daemonSettings(env: NodeJS.ProcessEnv): { cacheTimeoutMs: number; idleMs: number } {
  const pick = (envName: string, key: string): number | undefined => {
    const raw = env[envName] ?? setting(key, env)
    if (raw === undefined || raw.trim() === '') return undefined
    const n = Number(raw)
    if (!Number.isFinite(n) || n < 0) {
      log.warn({ setting: key, value: raw }, 'ignoring a setting that is not a number of seconds')
      return undefined
    }
    return n * 1000
  }
  const cacheTimeoutMs = pick('GIT_CREDENTIAL_PAT_CACHE_TIMEOUT', 'credential.pat.cachetimeout') ?? 900_000
  const idleMs = pick('GIT_CREDENTIAL_PAT_DAEMON_IDLE', 'credential.pat.daemonidle') ?? cacheTimeoutMs
  return { cacheTimeoutMs, idleMs }
}

/** `git-credential-pat daemon run`: the daemon in the foreground until it stops, in the process's context. */
export async function runDaemon(ctx: Context): Promise<number> {
  const { env } = ctx
  // First, before opening anything: drop what the caller left open (fds.ts),
  // and make this process untraceable before it holds any secret.
  const inherited = closeInheritedFds()
  const hardening = hardenProcess()
  // Absolute paths first: the daemon then leaves the directory it was
  // started in (as git's daemon does), so it holds no repository or mount.
  const paths = runtimePaths(env)
  for (const k of Object.keys(paths) as Array<keyof RuntimePaths>) paths[k] = resolve(paths[k])
  configureLog(env, resolve(ctx.paths.log))
  useKeychain(ctx.keychain)
  if (inherited.length) log.debug({ fds: inherited }, 'closed inherited descriptors')
  log.debug({ ...hardening }, 'start-up hardening')
  try {
    process.chdir('/')
  } catch {
    // stay where we are
  }
  // User-wide settings: read from /, so no repository's own config applies.
  const settings = daemonSettings(env)
  let handle: DaemonHandle | null
  try {
    handle = await startDaemon({ ctx, paths, ...settings, hardening })
  } catch (e) {
    log.error({ err: (e as Error).message }, 'daemon cannot start')
    return report(e)
  }
  if (!handle) {
    log.debug({}, 'another daemon is running or starting')
    return 0
  }
  await usePino() // after listening: clients are not kept waiting for it
  const h = handle
  let code = 0
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => h.close(sig))
  process.on('uncaughtException', e => {
    log.fatal({ err: e.message }, 'daemon crashed; cached secrets dropped')
    code = 1
    h.close('crash')
  })
  if (process.stderr.isTTY) process.stderr.write(`git-credential-pat: daemon listening on ${paths.socket} (pid ${process.pid})\n`)
  await h.closed
  return code
}
