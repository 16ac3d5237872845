// One client connection on the daemon's socket: the handshake first
// (client/handshake.ts), then framed requests answered in order.
import type net from 'node:net'
import { logger } from '../log/log.js'
import { newNonce, nonceFrom, proofOf, verifyProof } from './client/handshake.js'
import { FrameError, FrameReader, encodeFrame, type Reply } from './client/protocol.js'

const log = logger('daemon')

/** A connection that sends nothing for this long is closed. */
const CONN_IDLE_MS = 10_000

/** Serve one connection: the peer must prove it knows `key`, then each request gets `handle`'s reply. */
export function serveConnection(sock: net.Socket, key: Buffer, handle: (m: unknown) => Reply | Promise<Reply>): void {
  sock.setTimeout(CONN_IDLE_MS, () => sock.destroy())
  sock.on('error', () => {}) // a client that went away (it falls back on its own)
  const reader = new FrameReader()
  // Nothing is served before the peer proved it knows the key (client/handshake.ts).
  let stage: 'hello' | 'auth' | 'ready' = 'hello'
  let clientNonce: Buffer | undefined
  let serverNonce: Buffer | undefined
  // Replies leave in request order, also when one is answered later (forward-start listens first).
  let queue: Promise<void> = Promise.resolve()
  let waiting = 0
  const write = (r: Reply) => void (sock.destroyed || sock.write(encodeFrame(r)))
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
            proof: proofOf(key, 'server', clientNonce, serverNonce).toString('base64'),
          }),
        )
        continue
      }
      if (stage === 'auth') {
        const a = m as { op?: unknown; proof?: unknown }
        const ok = typeof m === 'object' && m !== null && a.op === 'auth' && verifyProof(key, 'client', clientNonce!, serverNonce!, a.proof)
        if (!ok) return refuse('wrong proof')
        stage = 'ready'
        continue
      }
      const reply = answer(m, handle)
      if (reply instanceof Promise) {
        waiting++
        queue = queue.then(() => reply).then(r => (waiting--, write(r)))
      } else if (waiting) queue = queue.then(() => write(reply))
      else write(reply)
    }
    if (reader.broken && !sock.destroyed) oversized(reader.broken)
  })
}

/** The reply to one frame: a frame that did not decode gets its error, a request that throws an internal error. */
function answer(m: unknown, handle: (m: unknown) => Reply | Promise<Reply>): Reply | Promise<Reply> {
  const failed = (e: unknown): Reply => {
    log.error({ err: (e as Error).message }, 'request failed')
    return { ok: false, error: 'internal error' }
  }
  try {
    const r = m instanceof FrameError ? { ok: false as const, error: m.message } : handle(m)
    return r instanceof Promise ? r.catch(failed) : r
  } catch (e) {
    return failed(e)
  }
}
