// The daemon's wire format: each message is a 4-byte big-endian length and
// that many bytes of UTF-8 JSON. Frames are bounded so a confused or hostile
// peer can make the daemon refuse a request, never grow without limit.
// (git's credential-cache daemon speaks the credential protocol itself over
// its socket; JSON frames let us carry cache keys and session tokens too.)

/** Largest frame either side accepts: a 64 KiB secret plus its envelope. */
export const MAX_FRAME = 128 * 1024

/** Credential fields a session lookup or drop is about (as git sent them). */
export interface TargetFields {
  protocol?: string
  host?: string
  path?: string
  username?: string
}

export type Request =
  | { op: 'ping' }
  | { op: 'status' }
  | { op: 'stop' }
  /** A cached secret for a token, if the cached one was read for the same record. */
  | { op: 'get'; name: string; stamp: string }
  /** Cache a secret; `since` is when the client began reading it (ms epoch). */
  | { op: 'put'; name: string; stamp: string; secret: string; since?: number }
  /** Drop one cached secret, or all of them. */
  | { op: 'forget'; name?: string }
  | { op: 'session-put'; scope: string; username: string; secret: string; expiresAt?: number }
  | ({ op: 'session-get' } & TargetFields)
  | ({ op: 'session-drop'; secret?: string } & TargetFields)
  /**
   * A whole get or store as git sent it (helper-answer.ts), for the home
   * whose metadata file the client names: answered when the daemon can give
   * exactly the answer the process itself would, else `handled: false`.
   */
  | HelperRequest
  /** A new forward (docs/forwarding.md): its allow-list, how long it lives, its socket's mode. */
  | { op: 'forward-start'; allow: string[]; forMs: number; mode: number }
  | { op: 'forward-list' }
  /** End one forward, or all of them without an id. */
  | { op: 'forward-stop'; id?: string }

/** A live forward as `forward list` shows it (never a secret). */
export interface ForwardInfo {
  id: string
  allow: string[]
  socket: string
  /** ms since the epoch */
  started: number
  ends: number
  /** Requests answered or refused so far. */
  served: number
  /** The socket's mode, in octal. */
  mode: string
}

/**
 * Homes whose metadata file is larger (some 4,000 tokens) are not answered
 * whole: the process reads the file and exits, while the daemon, which
 * lives on, keeps its memory flat.
 * The client does not ask then, which spares it a second connection.
 */
export const HELPER_MAX_METADATA_BYTES = 1 << 20

export interface HelperRequest {
  op: 'helper'
  action: 'get' | 'store'
  /** What git wrote on the helper's stdin. */
  input: string
  /** The client's metadata file (statePaths().metadata): the daemon serves only its own home. */
  metadata: string
  /** The client's keychain service: cached secrets count only when read under it. */
  service?: string
  /** The client's pending directory (statePaths().pending): a store waits there for a typed answer. */
  pending?: string
}

export interface Status {
  pid: number
  startedAt: number
  uptime: number
  cached: number
  sessions: number
  cacheTimeout: number
  idleTimeout: number
  socket: string
  /** Whether the daemon made itself not dumpable and without core (runtime/harden.ts); absent from an older daemon. */
  hardening?: { notDumpable: boolean; noCore: boolean }
}

export interface SessionAnswer {
  scope: string
  username: string
  secret: string
  expiresAt?: number
}

export type Reply =
  | {
      ok: true
      secret?: string
      status?: Status
      session?: SessionAnswer
      dropped?: number
      /** A whole helper request: whether it was answered, git's answer, and what to say on stderr (without the prefix). */
      handled?: boolean
      out?: string
      notes?: string[]
      forward?: ForwardInfo
      forwards?: ForwardInfo[]
      stopped?: number
    }
  | { ok: false; error: string }

export function encodeFrame(msg: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(msg), 'utf8')
  if (body.length > MAX_FRAME) throw new FrameError(`message of ${body.length} bytes is over the ${MAX_FRAME}-byte limit`)
  const head = Buffer.alloc(4)
  head.writeUInt32BE(body.length, 0)
  return Buffer.concat([head, body])
}

export class FrameError extends Error {
  override name = 'FrameError'
}

/**
 * Reassembles frames from a byte stream. push() returns the complete
 * messages so far (parsed JSON, or a FrameError for one that is not JSON);
 * it throws FrameError when a frame announces more than MAX_FRAME, after
 * which the stream cannot be resynchronised and must be closed.
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0)
  /**
   * Set when an oversized header follows complete frames in one push: those
   * frames are returned first (a handshake and a request may share a
   * chunk), then the owner sees this and closes; any later push throws it.
   */
  broken: FrameError | undefined

  push(chunk: Buffer): Array<unknown | FrameError> {
    if (this.broken) throw this.broken
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk
    const out: Array<unknown | FrameError> = []
    for (;;) {
      if (this.buf.length < 4) break
      const len = this.buf.readUInt32BE(0)
      if (len > MAX_FRAME) {
        const e = new FrameError(`request of ${len} bytes is over the ${MAX_FRAME}-byte limit`)
        if (!out.length) throw e
        this.broken = e
        break
      }
      if (this.buf.length < 4 + len) break
      const body = this.buf.subarray(4, 4 + len)
      this.buf = this.buf.subarray(4 + len)
      try {
        out.push(JSON.parse(body.toString('utf8')))
      } catch {
        out.push(new FrameError('request is not valid JSON'))
      }
    }
    return out
  }

  /** Bytes received that do not yet form a whole frame. */
  get pending(): number {
    return this.buf.length
  }
}

const str = (v: unknown) => typeof v === 'string'
const optStr = (v: unknown) => v === undefined || typeof v === 'string'
const optNum = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v))

/** Check a decoded message's shape; returns the reason it is not a request, or null. */
export function invalidRequest(m: unknown): string | null {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return 'request is not an object'
  const r = m as Record<string, unknown>
  switch (r.op) {
    case 'ping':
    case 'status':
    case 'stop':
      return null
    case 'get':
      return str(r.name) && str(r.stamp) ? null : 'get needs name and stamp'
    case 'put':
      return str(r.name) && str(r.stamp) && str(r.secret) && optNum(r.since) ? null : 'put needs name, stamp and secret'
    case 'forget':
      return optStr(r.name) ? null : 'forget takes an optional name'
    case 'session-put':
      return str(r.scope) && str(r.username) && str(r.secret) && (r.secret as string) !== '' && optNum(r.expiresAt)
        ? null
        : 'session-put needs scope, username and secret'
    case 'session-get':
    case 'session-drop':
      return optStr(r.protocol) && optStr(r.host) && optStr(r.path) && optStr(r.username) && optStr(r.secret)
        ? null
        : `${r.op} takes protocol, host, path, username`
    case 'helper':
      return (r.action === 'get' || r.action === 'store') && str(r.input) && str(r.metadata) && optStr(r.service) && optStr(r.pending)
        ? null
        : 'helper needs action (get or store), input and metadata'
    case 'forward-start':
      return Array.isArray(r.allow) &&
        r.allow.length > 0 &&
        r.allow.every(str) &&
        optNum(r.forMs) &&
        (r.forMs as number) > 0 &&
        optNum(r.mode) &&
        r.mode !== undefined
        ? null
        : 'forward-start needs allow, forMs and mode'
    case 'forward-list':
      return null
    case 'forward-stop':
      return optStr(r.id) ? null : 'forward-stop takes an optional id'
    default:
      return typeof r.op === 'string' ? `unknown operation '${r.op.slice(0, 40)}'` : 'request has no op'
  }
}
