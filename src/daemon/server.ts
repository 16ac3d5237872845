// The daemon (docs/git-credential-pat.md, "The daemon"): one process per user that keeps secrets read from the
// keychain or an exec: source for `cacheTimeout` seconds, holds session-only
// tokens that are never written anywhere, and exits when idle with nothing
// held. Modelled on git's credential-cache--daemon: a Unix socket in a 0700
// directory it checks, a timeout per entry, exit when there is nothing left.
//
// This file starts it and wires its parts: the secret cache (cache.ts), the
// session store (sessions.ts), the idle exit (idle.ts), the watchdog
// (watchdog.ts), and the connections (connection.ts, requests.ts).
import type { Context } from '../state/context.js'
import net from 'node:net'
import { closeSync, lstatSync, openSync, statSync, unlinkSync } from 'node:fs'
import type { Status } from './client/protocol.js'
import type { Hardening } from '../runtime/harden.js'
import { checkRuntimeDir, checkSocket, checkSocketPathLength, type RuntimePaths } from './client/runtime.js'
import { logger } from '../log/log.js'
import { request } from './client/client.js'
import { writeKey } from './client/handshake.js'
import { SecretCache } from './cache.js'
import { SessionStore } from './sessions.js'
import { IdleTimer } from './idle.js'
import { programGone } from '../runtime/install.js'
import { startWatchdog } from './watchdog.js'
import { serveConnection } from './connection.js'
import { handleRequest } from './requests.js'
import { Forwards } from './forwards.js'
import { listenPrivate } from './listen.js'

const log = logger('daemon')

const MAX_CONNECTIONS = 512
/** A start lock older than this was left by a daemon that died while starting. */
const STALE_LOCK_MS = 10_000

export interface DaemonOptions {
  /** The daemon's own context: its clock, and the home (metadata file) it serves. */
  ctx: Context
  paths: RuntimePaths
  /** How long a resolved secret is kept (0: not at all). */
  cacheTimeoutMs: number
  /** Exit after this long without requests once nothing is held (0: never). */
  idleMs: number
  watchdogMs?: number
  /** Told once, after the daemon has shut down. */
  onExit?: (reason: string) => void
  /** What run.ts could make of the process at start (runtime/harden.ts), for status. */
  hardening?: Hardening
}

export interface DaemonHandle {
  server: net.Server
  status(): Status
  close(reason: string): void
  /** Resolves with the reason once the daemon has shut down. */
  closed: Promise<string>
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
    // A new key for each daemon, before anyone can connect (client/handshake.ts).
    key = writeKey(paths.key)
    server = await listenPrivate(paths.socket, 0o600, MAX_CONNECTIONS)
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
  const conns = new Set<net.Socket>()
  let closing = false
  let resolveClosed!: (reason: string) => void
  const closed = new Promise<string>(r => (resolveClosed = r))

  // Idle exit: nothing held and no request for idleMs; the last item to go re-arms it.
  // A live forward counts as held: the daemon serves it until it ends.
  const empty = () => cache.size === 0 && sessions.size === 0 && forwards.size === 0
  const dropped = () => {
    if (empty()) idle.arm()
  }
  const cache = new SecretCache(cacheTimeoutMs, dropped)
  const sessions = new SessionStore(dropped)
  const forwards = new Forwards({ dir: paths.dir, cache, ctx: opts.ctx, onEmpty: dropped })
  const idle = new IdleTimer(idleMs, empty, () => close('idle'), { gone: programGone, onGone: close })

  const status = (): Status => ({
    pid: process.pid,
    startedAt,
    uptime: Math.round((Date.now() - startedAt) / 1000),
    cached: cache.size,
    sessions: sessions.size,
    cacheTimeout: cacheTimeoutMs / 1000,
    idleTimeout: idleMs / 1000,
    socket: paths.socket,
    hardening: opts.hardening,
  })
  const served = { cache, sessions, idle, forwards, status, close, ctx: opts.ctx }

  server.on('connection', sock => {
    if (closing) return void sock.destroy()
    conns.add(sock)
    sock.on('close', () => conns.delete(sock))
    serveConnection(sock, key.key, m => handleRequest(served, m))
  })
  server.on('error', e => log.error({ err: e.message }, 'server error'))

  const stopWatchdog = startWatchdog(paths, { socketIno: ino, keyIno: key.ino }, close, opts.watchdogMs)

  function close(reason: string): void {
    if (closing) return
    closing = true
    idle.stop()
    stopWatchdog()
    forwards.stopAll(`the daemon stopped (${reason})`)
    cache.clear()
    sessions.clear()
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

  idle.arm()
  log.info({ socket: paths.socket, cacheTimeout: cacheTimeoutMs / 1000, idleTimeout: idleMs / 1000 }, 'daemon started')
  return { server, status, close, closed }
}
