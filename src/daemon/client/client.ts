// Talking to the daemon. Every request is bounded (requestTimeoutMs): a
// daemon that is absent, wedged or killed mid-request costs a get at most
// that once, after which this process stops asking and reads the source
// itself. Nothing here writes to stdout.
import { connectUnix } from './connect.js'
import { FrameError, FrameReader, encodeFrame, type Reply, type Request } from './protocol.js'
import { checkClientPaths, checkRuntimeDir, runtimePaths, type RuntimePaths } from './runtime.js'
import { newNonce, nonceFrom, proofOf, verifyProof } from './handshake.js'
import { cachedKey } from './key-cache.js'
import { claimMarker, daemonEnv, spawnDetached } from '../../runtime/detached.js'

export { forgetKeyCache } from './key-cache.js'
import { PatError } from '../../errors.js'
import { daemonAsked } from '../../gitconfig/daemon-mode.js'
import type { DaemonCache, DaemonLink } from '../../state/daemon-link.js'

export function requestTimeoutMs(env: NodeJS.ProcessEnv): number {
  const n = Number(env.GIT_CREDENTIAL_PAT_DAEMON_TIMEOUT_MS)
  return Number.isFinite(n) && n > 0 ? n : 200
}

export type Failure = 'absent' | 'timeout' | 'closed' | 'error' | 'unsafe'

export { daemonAsked, daemonModeOf, type DaemonMode } from '../../gitconfig/daemon-mode.js'

/** Sockets that already timed out or failed this process: not asked again. */
const failedSockets = new Set<string>()

/** A peer refused by the handshake is not noted: the next client meets it again and reports it, with its fix. */
export function noteDaemonFailure(socket: string, why: Failure): void {
  if (why !== 'absent' && why !== 'unsafe') failedSockets.add(socket)
}

export class DaemonUnavailable extends Error {
  constructor(
    readonly why: Failure,
    message: string,
  ) {
    super(message)
  }
}

/**
 * One request on a fresh connection, answered within timeoutMs (the whole
 * exchange, handshake included) or rejected with DaemonUnavailable. The
 * request is sent only after the peer proved it knows our daemon's key, and
 * only an answer from that peer is taken (handshake.ts).
 */
export function request(p: Pick<RuntimePaths, 'socket' | 'key'>, req: Request, timeoutMs: number): Promise<Reply> {
  return new Promise((resolvePromise, reject) => {
    let key: Buffer | null
    try {
      key = cachedKey(p.key)
    } catch (e) {
      return reject(new DaemonUnavailable('unsafe', (e as Error).message))
    }
    // No key: no daemon has started here yet (or it is starting).
    if (!key) return reject(new DaemonUnavailable('absent', 'no daemon key'))
    let done = false
    let verified = false
    const reader = new FrameReader()
    const clientNonce = newNonce()
    const finish = (err: DaemonUnavailable | null, reply?: Reply) => {
      if (done) return
      done = true
      clearTimeout(timer)
      sock.destroy()
      if (err) reject(err)
      else resolvePromise(reply!)
    }
    // On a loaded machine the timer and the reply can both be due when this
    // process next runs; timers go first, so look at pending I/O before giving up.
    const timer = setTimeout(() => setImmediate(() => finish(new DaemonUnavailable('timeout', `the daemon did not answer within ${timeoutMs} ms`))), timeoutMs)
    /** The daemon's hello: prove it, then send our proof and the request together. */
    const onHello = (m: unknown) => {
      const proved = checkHello(p, key!, clientNonce, m)
      if (proved instanceof DaemonUnavailable) return finish(proved)
      key = proved.key
      verified = true
      sock.write(
        Buffer.concat([encodeFrame({ op: 'auth', proof: proofOf(key, 'client', clientNonce, proved.serverNonce).toString('base64') }), encodeFrame(req)]),
      )
    }
    const onData = (chunk: Buffer) => {
      let msgs: unknown[]
      try {
        msgs = reader.push(chunk)
      } catch (e) {
        return finish(new DaemonUnavailable('error', (e as Error).message))
      }
      for (const m of msgs) {
        if (done) return
        if (!verified) {
          if (m instanceof FrameError) return finish(new DaemonUnavailable('error', 'the daemon sent a malformed handshake'))
          onHello(m)
          continue
        }
        if (m instanceof FrameError || typeof m !== 'object' || m === null || typeof (m as Reply).ok !== 'boolean') {
          return finish(new DaemonUnavailable('error', 'the daemon sent a malformed reply'))
        }
        return finish(null, m as Reply)
      }
      if (reader.broken) finish(new DaemonUnavailable('error', reader.broken.message))
    }
    const sock = connectUnix(
      p.socket,
      {
        connect: () => sock.write(encodeFrame({ op: 'hello', nonce: clientNonce.toString('base64') })),
        data: onData,
        // ECONNREFUSED: a socket file left by a daemon that died (kill -9).
        error: e => finish(new DaemonUnavailable(e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? 'absent' : 'error', e.message)),
        close: () => finish(new DaemonUnavailable('closed', 'the daemon closed the connection before answering')),
      },
      timeoutMs,
    )
  })
}

/**
 * Judge the daemon's hello: its nonce, and its proof that it knows our key.
 * A failed proof gets one more try with the key file read again (a daemon
 * may have started since this process read it). Returns the key the proof
 * matched and the daemon's nonce, or why the peer is refused.
 */
function checkHello(
  p: Pick<RuntimePaths, 'socket' | 'key'>,
  key: Buffer,
  clientNonce: Buffer,
  m: unknown,
): { key: Buffer; serverNonce: Buffer } | DaemonUnavailable {
  const h = m as { hello?: unknown; nonce?: unknown; proof?: unknown }
  const serverNonce = typeof m === 'object' && m !== null && h.hello === 'git-credential-pat' ? nonceFrom(h.nonce) : null
  if (!serverNonce) return new DaemonUnavailable('error', 'the daemon did not answer the handshake (an older version? run git-credential-pat daemon stop)')
  if (verifyProof(key, 'server', clientNonce, serverNonce, h.proof)) return { key, serverNonce }
  try {
    const again = cachedKey(p.key, true)
    if (again && !again.equals(key) && verifyProof(again, 'server', clientNonce, serverNonce, h.proof)) return { key: again, serverNonce }
  } catch {
    // judged below as a failed proof
  }
  return new DaemonUnavailable(
    'unsafe',
    `the process listening on ${p.socket} did not prove it is your git-credential-pat daemon; refusing to use it: run git-credential-pat daemon stop, or remove ${p.socket}`,
  )
}

/** A peer or key refused by the handshake is reported like an unsafe path: once, with its fix. */
function unsafeAsPatError(e: unknown): unknown {
  return e instanceof DaemonUnavailable && e.why === 'unsafe' ? new PatError('DAEMON', e.message) : e
}

/** A spawned daemon is not kept waiting on these for another spawn. */
const SPAWN_THROTTLE_MS = 3000

export interface CallOptions {
  timeoutMs?: number
  /** Throw unsafe-socket errors (management commands) instead of reporting them and carrying on. */
  strict?: boolean
}

/**
 * A process's view of the daemon. After a timeout, a dropped connection or
 * an unsafe socket it stops asking for the rest of the process, so a get
 * pays for a bad daemon once, not once per token.
 */
export class DaemonClient {
  readonly paths: RuntimePaths
  readonly timeoutMs: number
  lastFailure: Failure | undefined
  /** The reason a socket was refused, reported once by the caller. */
  refusal: string | undefined
  private down = false

  constructor(readonly env: NodeJS.ProcessEnv) {
    this.paths = runtimePaths(env)
    this.timeoutMs = requestTimeoutMs(env)
    this.down = failedSockets.has(this.paths.socket)
  }

  /** The reply, or null when no usable daemon answered (see lastFailure). */
  async call(req: Request, opts: CallOptions = {}): Promise<Reply | null> {
    if (this.down && !opts.strict) return null
    try {
      if (!checkClientPaths(this.paths)) {
        this.lastFailure = 'absent'
        return null
      }
      const r = await request(this.paths, req, opts.timeoutMs ?? this.timeoutMs)
      this.lastFailure = undefined
      return r
    } catch (err) {
      if (this.unsafe(err, opts.strict)) {
        this.down = true
        return null
      }
      if (err instanceof DaemonUnavailable) {
        this.lastFailure = err.why
        if (err.why !== 'absent') this.down = true
        return null
      }
      if ((err as NodeJS.ErrnoException).code) {
        this.lastFailure = 'error'
        return null
      }
      throw err
    }
  }

  /**
   * Start a detached daemon unless one was started in the last few seconds
   * (64 parallel gets spawn one, not 64). Returns whether it spawned.
   */
  async spawnDetached(): Promise<boolean> {
    if (this.lastFailure === 'unsafe') return false
    try {
      checkRuntimeDir(this.paths.dir, true)
      if (!claimMarker(this.paths.starting, SPAWN_THROTTLE_MS)) return false
    } catch (e) {
      if (e instanceof PatError) this.refusal = e.message
      return false
    }
    await spawnDetached(['daemon', 'run'], daemonEnv(this.env), { lean: true })
    return true
  }

  /**
   * An unsafe socket or peer: thrown for management commands (strict),
   * else remembered and reported once by the caller. False for other errors.
   */
  private unsafe(err: unknown, strict: boolean | undefined): boolean {
    const e = unsafeAsPatError(err)
    if (!(e instanceof PatError)) return false
    if (strict) throw e
    this.refusal = e.message
    this.lastFailure = 'unsafe'
    return true
  }

  /** Make sure a daemon answers, starting one if needed; false if none did within waitMs. */
  async ensureRunning(waitMs = 1500, opts: { strict?: boolean } = {}): Promise<boolean> {
    const ping = async () => {
      try {
        if (!checkClientPaths(this.paths)) return false
        return (await request(this.paths, { op: 'ping' }, 300)).ok
      } catch (err) {
        return this.unsafe(err, opts.strict) ? null : false // unsafe: do not start one beside it
      }
    }
    let ok = await ping()
    if (ok) return true
    if (ok === null) return false
    const deadline = Date.now() + waitMs
    await this.spawnDetached()
    while (Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 25))
      ok = await ping()
      if (ok) {
        this.down = false
        this.lastFailure = undefined
        return true
      }
      if (ok === null) return false
      // The one who spawned may have failed: after the throttle, spawn again.
      await this.spawnDetached()
    }
    return false
  }
}

/**
 * Tell a running daemon that a token's secret changed or went away (rotate,
 * remove, store, erase), so it drops the secret now. Best effort: a daemon
 * that timed out earlier in this process is not asked again, and one that
 * misses this deadline never hears it. Correctness does not rest on it: the
 * record's stamp changed with the write (state/stamp.ts), so the old entry
 * no longer matches anything a client or the daemon looks up.
 */
export async function forgetCached(name: string | undefined, env: NodeJS.ProcessEnv): Promise<void> {
  await new DaemonClient(env).call(name === undefined ? { op: 'forget' } : { op: 'forget', name }).catch(() => null)
}

/** What state/ uses of this client, handed in by the layers above (state/daemon-link.ts). */
export const daemonLink: DaemonLink = {
  client: (env: NodeJS.ProcessEnv): DaemonCache | null => (daemonAsked(env) ? new DaemonClient(env) : null),
  forget: forgetCached,
}
