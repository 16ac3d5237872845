// The remote side of a forward (docs/forwarding.md): git's request goes to
// the forward first; its answer is git's answer, its expiry warning goes to
// stderr. No token, a refusal, a forward that is gone or slow: null, and the
// helper goes on with its own tokens and prompt as without a forward. A
// forwarded secret is written nowhere here: a store or erase of the
// forward's own credential ends at the forward.
import { formatForwardRequest, parseForwardReply, type ForwardOp, type ForwardReply } from '../core/forward.js'
import { connectUnix } from '../daemon/client/connect.js'
import { lstat, nodeFs, ownUid } from '../runtime/sys.js'
import { trustAncestors, type PathUse } from '../runtime/trusted-path.js'
import { PatError } from '../errors.js'
import { say, writeAll } from '../log/stderr.js'
import type { ForwardWhere } from './forward-where.js'

const USE: PathUse = {
  code: 'UNSAFE_PATH',
  purpose: 'ask a forward through it',
  fix: 'keep the forward socket in a directory only you (or root) can write',
}

/** How long one exchange with the forward may take, ssh's round trips included. */
export function forwardTimeoutMs(env: NodeJS.ProcessEnv): number {
  const n = Number(env.GIT_CREDENTIAL_PAT_FORWARD_TIMEOUT_MS)
  return Number.isFinite(n) && n > 0 ? n : 3000
}

/** The forward's reply, or null when there is none to be had (said on stderr when the socket is unsafe). */
export async function askForward(where: ForwardWhere, op: ForwardOp, input: Buffer, env: NodeJS.ProcessEnv): Promise<ForwardReply | null> {
  try {
    checkForwardSocket(where)
  } catch (e) {
    if (e instanceof PatError) say(e.message)
    return null
  }
  const text = await exchange(where.path, formatForwardRequest(op, input.toString('utf8')), forwardTimeoutMs(env))
  // sshd leaves the socket of a forward that ended (OpenSSH removes a stale one only at the next bind): ours, at the default path, it goes.
  if (text === 'refused' && where.by === 'default') removeStale(where.path)
  return typeof text === 'string' && text !== 'refused' ? parseForwardReply(text) : null
}

/**
 * A socket, in directories nobody else can write. The default path and one
 * from git config must also be the user's own; one named by the environment
 * was set up for us (a container's socket is owned by the host's uid), so
 * only its directories are judged.
 */
export function checkForwardSocket(where: ForwardWhere): void {
  const st = lstat(where.path)
  if (!st.isSocket()) throw new PatError('UNSAFE_PATH', `${where.path} is not a socket; refusing to ask a forward through it: remove it`)
  const me = ownUid()
  if (where.by !== 'env' && me >= 0 && st.uid !== me) {
    throw new PatError('UNSAFE_PATH', `${where.path} is owned by uid ${st.uid}, not you (uid ${me}); refusing to ask a forward through it: remove it`)
  }
  trustAncestors(where.path, USE)
}

function removeStale(path: string): void {
  try {
    nodeFs().unlinkSync(path)
  } catch {
    // gone already, or not ours to remove
  }
}

/** Send the request, read the reply to EOF; 'refused' when nobody listens, null on another failure or past the deadline. */
function exchange(path: string, request: string, timeoutMs: number): Promise<string | null | 'refused'> {
  return new Promise(resolve => {
    const chunks: Buffer[] = []
    let done = false
    const finish = (ok: boolean | 'refused') => {
      if (done) return
      done = true
      clearTimeout(timer)
      conn.destroy()
      resolve(ok === true ? Buffer.concat(chunks).toString('utf8') : ok || null)
    }
    const timer = setTimeout(() => finish(false), timeoutMs)
    const conn = connectUnix(
      path,
      {
        connect: () => conn.write(Buffer.from(request, 'utf8')),
        data: c => void chunks.push(c),
        error: e => finish(e.code === 'ECONNREFUSED' ? 'refused' : false),
        close: () => finish(true),
      },
      timeoutMs,
    )
  })
}

/**
 * What the forward did with the request. `answered`: a get it answered
 * (git's answer written, its warnings said), or a store or erase of the very
 * credential it gave. `declined`: not its credential, or no token for it.
 * `gone`: no answer at all; the helper goes on as without a forward, except
 * that a store saves nothing new (git/store.ts): the credential may be the
 * one the forward gave before it went.
 */
export type ForwardResult = 'answered' | 'declined' | 'gone'

export async function answeredByForward(op: ForwardOp, input: Buffer, where: ForwardWhere, env: NodeJS.ProcessEnv): Promise<ForwardResult> {
  const r = await askForward(where, op, input, env)
  if (!r) return 'gone'
  for (const w of r.warnings) say(w)
  if (op !== 'get') return r.forwarded ? 'answered' : 'declined'
  if (!r.out) return 'declined'
  writeAll(1, r.out)
  return 'answered'
}
