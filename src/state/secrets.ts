// Secret resolution with the daemon in front of the source: ask
// the daemon, else read the source and hand the secret to the daemon, so the
// next git command does not reach the keychain or run `op read` again. The
// daemon is optional at every step: absent, slow or dead, the answer comes
// from the source. Also the process side of session-only tokens.
import type { Credential } from '../core/protocol.js'
import { sentSecret } from '../core/protocol.js'
import type { TokenRecord } from './tokens.js'
import { readSecret, refreshAccount } from './sources/index.js'
import { note } from '../log/log.js'
import { say } from '../log/stderr.js'
import { daemonModeOf, type DaemonMode } from '../gitconfig/daemon-mode.js'
import { daemonLink, type DaemonCache } from './daemon-link.js'
import { cacheable, stampOf } from './stamp.js'

export { stampOf } from './stamp.js'

export type { DaemonMode } from '../gitconfig/daemon-mode.js'

/**
 * `GIT_CREDENTIAL_PAT_DAEMON`, else git config `credential.pat.daemon`:
 * auto (default: use it, start it in the background when absent), always
 * (start it and wait for it), never.
 */
export async function daemonMode(env: NodeJS.ProcessEnv): Promise<DaemonMode> {
  if (process.platform === 'win32') return 'never' // no Unix sockets to keep it private
  let v = env.GIT_CREDENTIAL_PAT_DAEMON
  if (v === undefined) v = (await import('../gitconfig/settings.js')).setting('credential.pat.daemon', env)
  return daemonModeOf(v)
}

const clients = new WeakMap<NodeJS.ProcessEnv, DaemonCache>()

/** The daemon client for this env, or null when the env says never (no config read on that path). */
async function client(env: NodeJS.ProcessEnv): Promise<DaemonCache | null> {
  const link = daemonLink()
  if (!link) return null
  let c = clients.get(env) ?? null
  if (!c && (c = link.client(env))) clients.set(env, c)
  return c
}

/** Report an unsafe socket once per process; the get goes on without the daemon. */
function complain(c: DaemonCache): void {
  if (c.refusal) {
    say(c.refusal)
    c.refusal = undefined
  }
}

/** A token's secret: from the daemon when it has it for this record, else from the source. */
export async function resolveSecret(t: TokenRecord, env: NodeJS.ProcessEnv): Promise<string> {
  const via = t.source.split(':')[0]
  const secret = await cached(
    t.name,
    t,
    env,
    () => readSecret(t, env),
    hit => note({ name: t.name, scope: t.scope, via: hit ? 'daemon' : via }),
  )
  return secret!
}

/** The OAuth refresh token kept beside a token's secret, cached the same way. */
export async function resolveRefreshToken(t: TokenRecord, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const load = async () => {
    const { getSecret } = await import('./sources/keychain.js')
    return (await getSecret(refreshAccount(t.name)).catch(() => null)) ?? null
  }
  return (await cached(refreshAccount(t.name), t, env, load)) ?? undefined
}

async function cached(
  key: string,
  t: TokenRecord,
  env: NodeJS.ProcessEnv,
  load: () => Promise<string | null>,
  seen?: (hit: boolean) => void,
): Promise<string | null> {
  const c = cacheable(t) ? await client(env) : null
  if (!c) {
    const s = await load()
    seen?.(false)
    return s
  }
  const stamp = stampOf(t, env)
  let r = await c.call({ op: 'get', name: key, stamp })
  if (!r && c.lastFailure === 'absent') {
    const mode = await daemonMode(env)
    if (mode === 'always') {
      if (await c.ensureRunning(1000)) r = await c.call({ op: 'get', name: key, stamp })
    } else if (mode === 'auto') {
      await c.spawnDetached() // for the next git command; this one reads the source now
    }
  }
  complain(c)
  if (r?.ok && r.secret !== undefined) {
    seen?.(true)
    return r.secret
  }
  const since = Date.now()
  const s = await load()
  seen?.(false)
  if (s !== null && r !== null) await c.call({ op: 'put', name: key, stamp, secret: s, since })
  return s
}

/**
 * Hold a token for this session only: in the daemon's memory, never on
 * disk (the prompt's "this session only"). Starts the daemon if needed; false
 * when there is none to hold it (credential.pat.daemon=never, or it would
 * not start), in which case the caller must not pretend it was remembered.
 */
export async function putSession(scope: string, username: string, secret: string, expiresAt: Date | undefined, env: NodeJS.ProcessEnv): Promise<boolean> {
  if ((await daemonMode(env)) === 'never') return false
  const c = await client(env)
  if (!c || !(await c.ensureRunning(1500))) {
    if (c) complain(c)
    return false
  }
  const r = await c.call({ op: 'session-put', scope, username, secret, expiresAt: expiresAt?.getTime() }, { timeoutMs: Math.max(c.timeoutMs, 1000) })
  return r?.ok === true
}

export interface SessionToken {
  scope: string
  username: string
  secret: string
  expiresAt?: Date
}

/** The session-only token the daemon holds for what git asks about, if any (never starts a daemon). */
export async function sessionFor(cred: Credential, env: NodeJS.ProcessEnv): Promise<SessionToken | null> {
  const c = await client(env)
  if (!c) return null
  const r = await c.call({ op: 'session-get', protocol: cred.protocol, host: cred.host, path: cred.path, username: cred.username })
  complain(c)
  if (!r?.ok || !r.session) return null
  const s = r.session
  return { scope: s.scope, username: s.username, secret: s.secret, expiresAt: s.expiresAt === undefined ? undefined : new Date(s.expiresAt) }
}

/** erase: drop session tokens matching what git sent (a password, when sent, must be equal). */
export async function dropSessions(cred: Credential, env: NodeJS.ProcessEnv): Promise<number> {
  const c = await client(env)
  if (!c) return 0
  const secret = sentSecret(cred)
  const r = await c.call({ op: 'session-drop', protocol: cred.protocol, host: cred.host, path: cred.path, username: cred.username, secret })
  return r?.ok ? (r.dropped ?? 0) : 0
}

/** Drop the daemon's copy of a token's secret (erase compares against the source, not the cache). */
export async function forgetSecret(t: TokenRecord, env: NodeJS.ProcessEnv): Promise<void> {
  const c = cacheable(t) ? await client(env) : null
  if (c) await c.call({ op: 'forget', name: t.name })
}
