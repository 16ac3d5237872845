// What the daemon answers once a connection has passed the handshake: one
// reply per request (client/protocol.ts), malformed ones refused, never a crash.
import { logger } from '../log/log.js'
import type { SecretCache } from './cache.js'
import type { IdleTimer } from './idle.js'
import { invalidRequest, type Reply, type Request, type Status } from './client/protocol.js'
import type { SessionStore } from './sessions.js'
import { answerHelper } from './helper-answer.js'
import type { Context } from '../state/context.js'
import type { Forwards } from './forwards.js'
import { parseAllow } from '../core/forward.js'

const log = logger('daemon')

/** The parts of a running daemon that requests reach. */
export interface Served {
  cache: SecretCache
  sessions: SessionStore
  idle: IdleTimer
  forwards: Forwards
  status(): Status
  close(reason: string): void
  /** The daemon's own context (run.ts): its clock and its home. */
  ctx: Context
}

/** Answer one decoded request. */
export function handleRequest(d: Served, m: unknown): Reply | Promise<Reply> {
  const bad = invalidRequest(m)
  if (bad) {
    log.warn({ why: bad }, 'malformed request refused')
    return { ok: false, error: bad }
  }
  const req = m as Request
  d.idle.touch()
  switch (req.op) {
    case 'ping':
      return { ok: true }
    case 'status':
      return { ok: true, status: d.status() }
    case 'stop':
      log.info({}, 'stop requested')
      setImmediate(() => d.close('stop requested'))
      return { ok: true }
    case 'get': {
      const secret = d.cache.get(req.name, req.stamp)
      log.debug({ name: req.name, outcome: secret !== undefined ? 'hit' : 'miss' }, 'get')
      return secret !== undefined ? { ok: true, secret } : { ok: true }
    }
    case 'put': {
      const kept = d.cache.put(req.name, req.stamp, req.secret, req.since)
      log.debug({ name: req.name, outcome: kept ? 'cached' : 'refused' }, 'put')
      return { ok: true }
    }
    case 'forget':
      d.cache.forget(req.name)
      log.info({ name: req.name ?? '(all)' }, 'forget')
      return { ok: true }
    case 'session-put':
      return d.sessions.put(req.scope, req.username, req.secret, req.expiresAt)
    case 'session-get': {
      const session = d.sessions.find(req)
      log.debug({ host: req.host, path: req.path, outcome: session ? 'hit' : 'miss' }, 'session lookup')
      return session ? { ok: true, session } : { ok: true }
    }
    case 'session-drop':
      return { ok: true, dropped: d.sessions.erase(req) }
    case 'helper':
      return answerHelper(d, req, d.ctx.paths.metadata, d.ctx.now())
    case 'forward-start':
      return startForward(d, req.allow, req.forMs, req.mode)
    case 'forward-list':
      return { ok: true, forwards: d.forwards.list() }
    case 'forward-stop':
      if (req.id === undefined) return { ok: true, stopped: d.forwards.stopAll('forward stop --all') }
      return d.forwards.stop(req.id, 'forward stop') ? { ok: true, stopped: 1 } : { ok: false, error: `no forward '${req.id.slice(0, 40)}' is live` }
  }
}

async function startForward(d: Served, allow: string[], forMs: number, mode: number): Promise<Reply> {
  // The owner must keep read and write; nothing beyond rw for anyone (docs/forwarding.md, "Containers").
  if ((mode & 0o600) !== 0o600 || (mode & ~0o666) !== 0) return { ok: false, error: `socket mode ${mode.toString(8)} is not one of 600, 660, 666` }
  let scopes
  try {
    scopes = parseAllow(allow)
  } catch (e) {
    return { ok: false, error: (e as Error).message }
  }
  let f
  try {
    f = await d.forwards.start(scopes, forMs, mode, Date.now())
  } catch (e) {
    return { ok: false, error: (e as Error).message }
  }
  return 'error' in f ? { ok: false, error: f.error } : { ok: true, forward: f }
}
