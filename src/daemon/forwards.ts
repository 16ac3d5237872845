// The daemon's live forwards (docs/forwarding.md): one listening socket each,
// in the run directory beside the daemon's own (the same directory checks),
// created 0600 unless the user asked for another mode. A forward ends at its
// end time, at `forward stop`, or when the daemon stops; its socket file goes
// with it. While any is live the daemon does not exit for idleness.
import net from 'node:net'
import { randomBytes } from 'node:crypto'
import { lstatSync, unlinkSync } from 'node:fs'
import { join } from '../core/path.js'
import { formatScope, type Scope } from '../core/scope.js'
import { FORWARD_MAX_REQUEST, formatForwardReply, parseForwardRequest, wholeRequest } from '../core/forward.js'
import { checkSocketPathLength } from './client/runtime.js'
import { listenPrivate } from './listen.js'
import type { ForwardInfo } from './client/protocol.js'
import { logger } from '../log/log.js'
import { later, type Later } from './timer.js'
import { answerForward } from './forward-answer.js'
import type { SecretCache } from './cache.js'
import type { Context } from '../state/context.js'

const log = logger('forward')

/** A remote that sends nothing for this long is hung up on. */
const CONN_IDLE_MS = 10_000
const MAX_FORWARDS = 64

interface Live extends ForwardInfo {
  scopes: Scope[]
  server: net.Server
  ino: number
  timer: Later
}

export interface ForwardsOptions {
  dir: string
  cache: SecretCache
  /** The daemon's own context: its home and its clock. */
  ctx: Context
  /** Told when the last forward ended (the idle timer re-arms). */
  onEmpty: () => void
}

export class Forwards {
  private readonly live = new Map<string, Live>()
  constructor(private readonly o: ForwardsOptions) {}

  get size(): number {
    return this.live.size
  }

  list(): ForwardInfo[] {
    return [...this.live.values()].map(({ id, allow, socket, started, ends, served, mode }) => ({ id, allow, socket, started, ends, served, mode }))
  }

  /** A new forward listening; its info, or why not. */
  async start(scopes: Scope[], forMs: number, mode: number, now: number): Promise<ForwardInfo | { error: string }> {
    if (this.live.size >= MAX_FORWARDS) return { error: `${MAX_FORWARDS} forwards are live already: stop one first` }
    const id = randomBytes(4).toString('hex')
    const socket = join(this.o.dir, `forward-${id}.sock`)
    checkSocketPathLength(socket)
    const server = await listenPrivate(socket, mode, 64)
    const f: Live = {
      id,
      allow: scopes.map(formatScope),
      scopes,
      socket,
      started: now,
      ends: now + forMs,
      served: 0,
      mode: (mode & 0o777).toString(8).padStart(4, '0'),
      server,
      ino: lstatSync(socket).ino,
      timer: later(forMs, () => this.stop(id, 'its time ran out')),
    }
    server.on('connection', sock => this.serve(f, sock))
    server.on('error', e => log.error({ forward: id, err: e.message }, 'forward socket error'))
    this.live.set(id, f)
    log.info({ forward: id, allow: f.allow, ends: new Date(f.ends).toISOString(), mode: f.mode }, 'forward started')
    return this.list().find(i => i.id === id)!
  }

  /** End one forward; false when there is none with that id. */
  stop(id: string, reason: string): boolean {
    const f = this.live.get(id)
    if (!f) return false
    this.live.delete(id)
    clearTimeout(f.timer.t)
    f.server.close()
    try {
      if (lstatSync(f.socket).ino === f.ino) unlinkSync(f.socket)
    } catch {
      // gone already
    }
    log.info({ forward: id, reason, served: f.served }, 'forward stopped')
    if (this.live.size === 0) this.o.onEmpty()
    return true
  }

  stopAll(reason: string): number {
    const ids = [...this.live.keys()]
    for (const id of ids) this.stop(id, reason)
    return ids.length
  }

  /** One request per connection: read it whole, answer, hang up. */
  private serve(f: Live, sock: net.Socket): void {
    sock.setTimeout(CONN_IDLE_MS, () => sock.destroy())
    sock.on('error', () => {})
    let text = ''
    let done = false
    const answer = async () => {
      if (done) return
      done = true
      const req = parseForwardRequest(text)
      if (!req || !this.live.has(f.id)) return void sock.end()
      f.served++
      const reply = await answerForward({ id: f.id, allow: f.scopes, cache: this.o.cache, env: this.o.ctx.env, now: this.o.ctx.now() }, req)
      if (!sock.destroyed) sock.end(formatForwardReply(reply))
    }
    sock.on('data', chunk => {
      if (done) return
      text += chunk.toString('utf8')
      if (text.length > FORWARD_MAX_REQUEST) {
        done = true
        log.warn({ forward: f.id }, 'oversized forward request refused')
        return void sock.destroy()
      }
      if (wholeRequest(text)) void answer()
    })
    sock.on('end', () => void answer())
  }
}
