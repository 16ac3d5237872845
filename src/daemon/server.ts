// The daemon (SPEC §8): one process per user that keeps secrets read from the
// keychain or an exec: source for `cacheTimeout` seconds, holds session-only
// tokens that are never written anywhere, and exits when idle with nothing
// held. Modelled on git's credential-cache--daemon: a Unix socket in a 0700
// directory it checks, a timeout per entry, exit when there is nothing left.
//
// The daemon never reads the keychain or the metadata itself: clients hand it
// what they resolved, keyed by token name and a stamp of the token's record
// (everything but lastUsed), so a record changed by rotate/disable/erase in
// another process no longer matches and the next get reads the source again.
import net from 'node:net'
import { chmodSync, closeSync, lstatSync, openSync, statSync, unlinkSync } from 'node:fs'
import { resolve } from 'node:path'
import { FrameError, FrameReader, encodeFrame, invalidRequest, type Reply, type Request, type SessionAnswer, type Status } from './protocol.js'
import { checkRuntimeDir, checkSocket, checkSocketPathLength, runtimePaths, type RuntimePaths } from './runtime.js'
import { eraseMatches, formatScope, parseScope, specificity, targetOf, type Scope } from '../core/scope.js'
import { configureLog, logger, usePino } from '../log/log.js'
import { statePaths } from '../state/paths.js'
import { setting } from '../gitconfig/settings.js'
import { PatError, report } from '../errors.js'
import { request } from './client.js'
import { newNonce, nonceFrom, proofOf, verifyProof, writeKey } from './handshake.js'
import { closeInheritedFds } from './fds.js'

const log = logger('daemon')

/** setTimeout's limit; longer waits are re-armed when they fire. */
const MAX_TIMER = 2 ** 31 - 1

/** setTimeout for any delay (a cacheTimeout of a year must not fire at once or never). */
function later(ms: number, fn: () => void): { t?: NodeJS.Timeout } {
  const h: { t?: NodeJS.Timeout } = {}
  const due = Date.now() + ms
  const arm = () => {
    const left = due - Date.now()
    h.t = left > MAX_TIMER ? setTimeout(arm, MAX_TIMER) : setTimeout(fn, Math.max(0, left))
  }
  arm()
  return h
}
/** A connection that sends nothing for this long is closed. */
const CONN_IDLE_MS = 10_000
const MAX_CONNECTIONS = 512
/** How often the daemon checks that its socket is still its own. */
const WATCHDOG_MS = 5_000
/** A start lock older than this was left by a daemon that died while starting. */
const STALE_LOCK_MS = 10_000
/** A `forget` refuses puts of secrets read before it, for this long. */
const FORGET_MEMORY_MS = 60_000

export interface DaemonOptions {
  paths: RuntimePaths
  /** How long a resolved secret is kept (0: not at all). */
  cacheTimeoutMs: number
  /** Exit after this long without requests once nothing is held (0: never). */
  idleMs: number
  watchdogMs?: number
  /** Told once, after the daemon has shut down. */
  onExit?: (reason: string) => void
}

export interface DaemonHandle {
  server: net.Server
  status(): Status
  close(reason: string): void
  /** Resolves with the reason once the daemon has shut down. */
  closed: Promise<string>
}

interface Entry {
  stamp: string
  secret: string
  timer?: { t?: NodeJS.Timeout }
}

interface Session {
  scope: Scope
  scopeText: string
  username: string
  secret: string
  expiresAt?: number
  timer?: { t?: NodeJS.Timeout }
}

/** Settings the daemon reads once at start: env overrides (tests), then git config, then defaults. */
export function daemonSettings(env: NodeJS.ProcessEnv = process.env): { cacheTimeoutMs: number; idleMs: number } {
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

/** Is a daemon answering on this socket? (A stopped or wedged one counts as not.) */
export async function alive(paths: Pick<RuntimePaths, 'socket' | 'key'>, timeoutMs = 500): Promise<number | null> {
  try {
    const r = await request(paths, { op: 'status' }, timeoutMs)
    return r.ok && r.status ? r.status.pid : null
  } catch {
    return null
  }
}

/**
 * Start listening. Returns null when another daemon already answers on the
 * socket (or is starting right now); throws DAEMON errors for an unsafe
 * directory or socket.
 */
export async function startDaemon(opts: DaemonOptions): Promise<DaemonHandle | null> {
  const { paths } = opts
  checkRuntimeDir(paths.dir, true)
  checkSocketPathLength(paths.socket)
  if (await alive(paths)) return null
  if (!takeLock(paths.lock)) return null
  let server: net.Server
  let ino: number
  let key: { key: Buffer; ino: number }
  try {
    if (await alive(paths)) return null
    // A socket nobody answers on (or no daemon of ours: it could not prove
    // the key) was left by a daemon that died (kill -9); checkSocket refuses
    // to touch one that is not ours.
    if (checkSocket(paths.socket)) unlinkSync(paths.socket)
    // A new key for each daemon, before anyone can connect (handshake.ts).
    key = writeKey(paths.key)
    server = net.createServer()
    server.maxConnections = MAX_CONNECTIONS
    // Created 0600 from the start, not chmod-ed after a window.
    const umask = process.umask(0o077)
    try {
      await new Promise<void>((res, rej) => {
        server.once('error', rej)
        server.listen(paths.socket, () => {
          server.off('error', rej)
          res()
        })
      })
    } finally {
      process.umask(umask)
    }
    chmodSync(paths.socket, 0o600)
    ino = lstatSync(paths.socket).ino
  } finally {
    rmQuiet(paths.lock)
  }
  rmQuiet(paths.starting)
  return serve(server, ino, key, opts)
}

function takeLock(lock: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      closeSync(openSync(lock, 'wx', 0o600))
      return true
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      try {
        if (Date.now() - statSync(lock).mtimeMs < STALE_LOCK_MS) return false // another daemon is starting
        unlinkSync(lock)
      } catch {
        // it went away meanwhile: try again
      }
    }
  }
  return false
}

function rmQuiet(path: string): void {
  try {
    unlinkSync(path)
  } catch {
    // already gone
  }
}

function serve(server: net.Server, ino: number, key: { key: Buffer; ino: number }, opts: DaemonOptions): DaemonHandle {
  const { paths, cacheTimeoutMs, idleMs } = opts
  const startedAt = Date.now()
  const cache = new Map<string, Entry>()
  const forgotten = new Map<string, number>() // name ('' = all) → when
  let sessions: Session[] = []
  const conns = new Set<net.Socket>()
  let lastActivity = Date.now()
  let idleTimer: NodeJS.Timeout | undefined
  let closing = false
  let resolveClosed!: (reason: string) => void
  const closed = new Promise<string>(r => (resolveClosed = r))

  const status = (): Status => ({
    pid: process.pid,
    startedAt,
    uptime: Math.round((Date.now() - startedAt) / 1000),
    cached: cache.size,
    sessions: sessions.length,
    cacheTimeout: cacheTimeoutMs / 1000,
    idleTimeout: idleMs / 1000,
    socket: paths.socket,
  })

  // --- idle exit: nothing held and no request for idleMs ---
  const empty = () => cache.size === 0 && sessions.length === 0
  function armIdle(): void {
    clearTimeout(idleTimer)
    if (idleMs <= 0 || closing) return
    const due = lastActivity + idleMs - Date.now()
    if (due <= 0) {
      if (empty()) close('idle')
      return // the last entry to expire calls armIdle again
    }
    idleTimer = setTimeout(armIdle, Math.min(due, MAX_TIMER)) // re-checked when it fires
  }

  // --- cache ---
  function drop(name: string, why: string): void {
    const e = cache.get(name)
    if (!e) return
    clearTimeout(e.timer?.t)
    cache.delete(name)
    log.debug({ name, why }, 'cache entry dropped')
    if (empty()) armIdle()
  }
  function put(name: string, stamp: string, secret: string, since?: number): boolean {
    if (cacheTimeoutMs <= 0) return false
    const gone = Math.max(forgotten.get(name) ?? 0, forgotten.get('') ?? 0)
    // Read before a forget (rotate, remove) arrived: it may be the old secret.
    if (since !== undefined && since <= gone) return false
    const old = cache.get(name)
    if (old) clearTimeout(old.timer?.t)
    const entry: Entry = { stamp, secret }
    // As git's credential-cache: the timeout runs from when the secret was stored, not from its last use.
    entry.timer = later(cacheTimeoutMs, () => drop(name, 'timeout'))
    cache.set(name, entry)
    return true
  }
  function forget(name?: string): void {
    const now = Date.now()
    for (const [k, at] of forgotten) if (now - at > FORGET_MEMORY_MS) forgotten.delete(k)
    forgotten.set(name ?? '', now)
    // A token's refresh token is cached beside it as `name#oauth_refresh_token`.
    for (const k of [...cache.keys()]) if (name === undefined || k === name || k.startsWith(`${name}#`)) drop(k, 'forget')
  }

  // --- session-only tokens ---
  function dropSession(s: Session, why: string): void {
    clearTimeout(s.timer?.t)
    sessions = sessions.filter(x => x !== s)
    log.info({ scope: s.scopeText, username: s.username, why }, 'session token dropped')
    if (empty()) armIdle()
  }
  function putSession(scopeText: string, username: string, secret: string, expiresAt?: number): Reply {
    let scope: Scope
    try {
      scope = parseScope(scopeText)
    } catch (e) {
      return { ok: false, error: e instanceof PatError ? e.message : 'invalid scope' }
    }
    if (expiresAt !== undefined && expiresAt <= Date.now()) return { ok: false, error: 'that session token has already expired' }
    const canon = formatScope(scope)
    for (const old of sessions.filter(s => s.scopeText === canon && s.username === username)) dropSession(old, 'replaced')
    const s: Session = { scope, scopeText: canon, username, secret, expiresAt }
    if (expiresAt !== undefined) s.timer = later(expiresAt - Date.now(), () => dropSession(s, 'expired'))
    sessions.push(s)
    log.info({ scope: canon, username, expiresAt: expiresAt && new Date(expiresAt).toISOString() }, 'session token held')
    return { ok: true }
  }
  function findSession(fields: Request & { op: 'session-get' }): SessionAnswer | undefined {
    const target = targetOf(fields)
    if (!target?.host) return undefined
    const now = Date.now()
    let best: Session | undefined
    let bestRank = -1
    for (const s of sessions) {
      if (s.expiresAt !== undefined && s.expiresAt <= now) continue
      if (target.username !== undefined && s.username !== target.username) continue
      const rank = specificity(s.scope, target)
      if (rank > bestRank) {
        best = s
        bestRank = rank
      }
    }
    return best && { scope: best.scopeText, username: best.username, secret: best.secret, expiresAt: best.expiresAt }
  }
  function eraseSessions(fields: Request & { op: 'session-drop' }): number {
    const target = targetOf(fields)
    if (!target) return 0
    const hit = sessions.filter(
      s =>
        eraseMatches(s.scope, target) &&
        (fields.username === undefined || s.username === fields.username) &&
        (fields.secret === undefined || s.secret === fields.secret),
    )
    for (const s of hit) dropSession(s, 'erase')
    return hit.length
  }

  function handle(m: unknown): Reply {
    const bad = invalidRequest(m)
    if (bad) {
      log.warn({ why: bad }, 'malformed request refused')
      return { ok: false, error: bad }
    }
    const req = m as Request
    lastActivity = Date.now()
    armIdle()
    switch (req.op) {
      case 'ping':
        return { ok: true }
      case 'status':
        return { ok: true, status: status() }
      case 'stop':
        log.info({}, 'stop requested')
        setImmediate(() => close('stop requested'))
        return { ok: true }
      case 'get': {
        const e = cache.get(req.name)
        if (e && e.stamp !== req.stamp) drop(req.name, 'record changed') // rotated, re-added …
        const hit = e !== undefined && e.stamp === req.stamp
        log.debug({ name: req.name, outcome: hit ? 'hit' : 'miss' }, 'get')
        return hit ? { ok: true, secret: e.secret } : { ok: true }
      }
      case 'put': {
        const kept = put(req.name, req.stamp, req.secret, req.since)
        log.debug({ name: req.name, outcome: kept ? 'cached' : 'refused' }, 'put')
        return { ok: true }
      }
      case 'forget':
        forget(req.name)
        log.info({ name: req.name ?? '(all)' }, 'forget')
        return { ok: true }
      case 'session-put':
        return putSession(req.scope, req.username, req.secret, req.expiresAt)
      case 'session-get': {
        const session = findSession(req)
        log.debug({ host: req.host, path: req.path, outcome: session ? 'hit' : 'miss' }, 'session lookup')
        return session ? { ok: true, session } : { ok: true }
      }
      case 'session-drop':
        return { ok: true, dropped: eraseSessions(req) }
    }
  }

  server.on('connection', sock => {
    if (closing) return void sock.destroy()
    conns.add(sock)
    sock.setTimeout(CONN_IDLE_MS, () => sock.destroy())
    sock.on('error', () => {}) // a client that went away (it falls back on its own)
    sock.on('close', () => conns.delete(sock))
    const reader = new FrameReader()
    // Nothing is served before the peer proved it knows the key (handshake.ts).
    let stage: 'hello' | 'auth' | 'ready' = 'hello'
    let clientNonce: Buffer | undefined
    let serverNonce: Buffer | undefined
    const refuse = (why: string) => {
      // Who or what it sent is not logged: it may be anything, secrets included.
      log.warn({ why }, 'connection refused: failed handshake')
      stage = 'hello'
      sock.destroy()
    }
    sock.on('data', chunk => {
      const oversized = (e: Error) => {
        if (stage !== 'ready') return refuse('oversized handshake')
        // Oversized: answer and hang up, the stream cannot be resynchronised.
        log.warn({ why: e.message }, 'oversized request refused')
        sock.end(encodeFrame({ ok: false, error: e.message }))
      }
      let msgs: unknown[]
      try {
        msgs = reader.push(chunk)
      } catch (e) {
        return oversized(e as Error)
      }
      for (const m of msgs) {
        if (sock.destroyed) return
        if (stage === 'hello') {
          const h = m as { op?: unknown; nonce?: unknown }
          clientNonce = typeof m === 'object' && m !== null && h.op === 'hello' ? (nonceFrom(h.nonce) ?? undefined) : undefined
          if (!clientNonce) return refuse('no hello')
          serverNonce = newNonce()
          stage = 'auth'
          sock.write(
            encodeFrame({
              hello: 'git-credential-pat',
              nonce: serverNonce.toString('base64'),
              proof: proofOf(key.key, 'server', clientNonce, serverNonce).toString('base64'),
            }),
          )
          continue
        }
        if (stage === 'auth') {
          const a = m as { op?: unknown; proof?: unknown }
          const ok = typeof m === 'object' && m !== null && a.op === 'auth' && verifyProof(key.key, 'client', clientNonce!, serverNonce!, a.proof)
          if (!ok) return refuse('wrong proof')
          stage = 'ready'
          continue
        }
        let reply: Reply
        try {
          reply = m instanceof FrameError ? { ok: false, error: m.message } : handle(m)
        } catch (e) {
          log.error({ err: (e as Error).message }, 'request failed')
          reply = { ok: false, error: 'internal error' }
        }
        if (!sock.destroyed) sock.write(encodeFrame(reply))
      }
      if (reader.broken && !sock.destroyed) oversized(reader.broken)
    })
  })
  server.on('error', e => log.error({ err: e.message }, 'server error'))

  // Exit if the socket is no longer ours: removed (logout cleans
  // XDG_RUNTIME_DIR; a test removed its sandbox), replaced, or opened up.
  const watchdog = setInterval(() => {
    try {
      if (lstatSync(paths.socket).ino !== ino) return close('socket replaced by another daemon')
      // Clients prove themselves with the key file: another one means another daemon.
      if (lstatSync(paths.key).ino !== key.ino) return close('key replaced by another daemon')
      checkSocket(paths.socket)
      checkRuntimeDir(paths.dir, false)
    } catch (e) {
      close(e instanceof PatError ? e.message : 'socket removed')
    }
  }, opts.watchdogMs ?? WATCHDOG_MS)
  watchdog.unref()

  function close(reason: string): void {
    if (closing) return
    closing = true
    clearTimeout(idleTimer)
    clearInterval(watchdog)
    for (const e of cache.values()) clearTimeout(e.timer?.t)
    for (const s of sessions) clearTimeout(s.timer?.t)
    cache.clear()
    sessions = []
    server.close()
    for (const c of conns) c.destroy()
    try {
      if (lstatSync(paths.socket).ino === ino) unlinkSync(paths.socket)
    } catch {
      // gone already
    }
    log.info({ reason, uptime: Math.round((Date.now() - startedAt) / 1000) }, 'daemon stopped')
    opts.onExit?.(reason)
    resolveClosed(reason)
  }

  armIdle()
  log.info({ socket: paths.socket, cacheTimeout: cacheTimeoutMs / 1000, idleTimeout: idleMs / 1000 }, 'daemon started')
  return { server, status, close, closed }
}

/** `git-credential-pat daemon run`: the daemon in the foreground until it stops. */
export async function runDaemon(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // First, before opening anything: drop what the caller left open (fds.ts).
  const inherited = closeInheritedFds()
  // Absolute paths first: the daemon then leaves the directory it was
  // started in (as git's daemon does), so it holds no repository or mount.
  const paths = runtimePaths(env)
  for (const k of Object.keys(paths) as Array<keyof RuntimePaths>) paths[k] = resolve(paths[k])
  configureLog(env, resolve(statePaths(env).log))
  if (inherited.length) log.debug({ fds: inherited }, 'closed inherited descriptors')
  try {
    process.chdir('/')
  } catch {
    // stay where we are
  }
  // User-wide settings: read from /, so no repository's own config applies.
  const settings = daemonSettings(env)
  let handle: DaemonHandle | null
  try {
    handle = await startDaemon({ paths, ...settings })
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
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => h.close(sig))
  process.on('uncaughtException', e => {
    log.fatal({ err: e.message }, 'daemon crashed; cached secrets dropped')
    process.exitCode = 1
    h.close('crash')
  })
  if (process.stderr.isTTY) process.stderr.write(`git-credential-pat: daemon listening on ${paths.socket} (pid ${process.pid})\n`)
  await h.closed
  return typeof process.exitCode === 'number' ? process.exitCode : 0
}
