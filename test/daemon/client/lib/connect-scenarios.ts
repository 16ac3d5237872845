// The same exchanges through any backend of daemon/client/connect.ts (run
// by test/daemon/client/connect.ts under Node, and under Bun by
// connect-probe.ts): what each delivered, in a form to compare.
import type { Conn, ConnEvents, Connect } from '../../../../src/daemon/client/conn.js'

export interface Paths {
  /** Echoes what it gets. */
  echo: string
  /** Says "bye" to what it gets and ends the connection. */
  bye: string
  /** Nothing there. */
  missing: string
  /** A socket file nobody listens on. */
  stale: string
}

export interface Seen {
  /** The events in order, data merged into one 'data' entry per run. */
  events: string[]
  /** Every event came after connect returned. */
  afterReturn: boolean
  /** The bytes received. */
  got: string
  code?: string
}

/** Connect, send `send` (when connected), stop once `want` bytes came or the peer closed; within 5 s. */
function exchange(connect: Connect, path: string, send: Buffer | null, want: number): Promise<Seen> {
  return new Promise(done => {
    const seen: Seen = { events: [], afterReturn: true, got: '' }
    let returned = false
    const chunks: Buffer[] = []
    let conn: Conn | undefined = undefined
    let finished = false
    const mark = (e: string) => {
      // After destroy() a backend may still say close (node:net does): the caller is gone by then.
      if (finished) return
      if (!returned) seen.afterReturn = false
      if (seen.events.at(-1) !== e || e !== 'data') seen.events.push(e)
    }
    const finish = () => {
      if (finished) return
      finished = true
      clearTimeout(timer)
      seen.got = Buffer.concat(chunks).toString()
      done(seen)
    }
    const timer = setTimeout(() => {
      seen.events.push('timeout')
      conn?.destroy()
      finish()
    }, 5000)
    const on: ConnEvents = {
      connect: () => {
        mark('connect')
        if (send) conn!.write(send)
      },
      data: chunk => {
        mark('data')
        chunks.push(chunk)
        if (want && Buffer.concat(chunks).length >= want) {
          conn!.destroy()
          finish()
        }
      },
      error: e => {
        mark('error')
        seen.code = e.code
      },
      close: () => {
        mark('close')
        finish()
      },
    }
    conn = connect(path, on, 2000)
    returned = true
  })
}

/** Every exchange, by name. */
export async function scenarios(connect: Connect, p: Paths): Promise<Record<string, Seen>> {
  const big = Buffer.alloc(1 << 20, 'x') // larger than any socket buffer: written in pieces
  return {
    echo: await exchange(connect, p.echo, Buffer.from('hello'), 5),
    big: await exchange(connect, p.echo, big, big.length).then(s => ({ ...s, got: String(s.got.length) })),
    // The client always speaks first; the libc backend reads only what answers a write.
    bye: await exchange(connect, p.bye, Buffer.from('hi'), 0),
    missing: await exchange(connect, p.missing, null, 0),
    stale: await exchange(connect, p.stale, null, 0),
  }
}
