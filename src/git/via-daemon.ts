// The everyday get and store in one round trip to the daemon:
// git starts this process for every request, and a get that loads the
// metadata, selection and keychain code costs several times git's C libsecret helper
// under Bun. The daemon holds the secrets already; it answers the request
// whole when it can be sure its answer is the one this process would give
// (daemon/helper-answer.ts), and otherwise says so and the process does the
// request itself. The socket and key checks and the handshake are the same
// as for every daemon request (daemon/client/client.ts).
import type { Context } from '../state/context.js'
import { checkClientPaths, runtimePaths } from '../daemon/client/runtime.js'
import { daemonAsked, noteDaemonFailure, request, requestTimeoutMs, DaemonUnavailable } from '../daemon/client/client.js'
import type { Operation } from './input.js'
import { HELPER_MAX_METADATA_BYTES } from '../daemon/client/protocol.js'
import { statIfAny } from '../runtime/sys.js'

/** Whether the daemon may answer this request whole: then stdin is read, and the daemon asked, through libc (runtime/sys.ts). */
export function daemonMayAnswer(op: Operation, env: NodeJS.ProcessEnv): boolean {
  return op !== 'erase' && eligible(env)
}

/** What the daemon answered: git's protocol lines, and the lines for stderr (without the prefix). */
export interface DaemonAnswer {
  out: string
  notes: string[]
}

/** git's answer when the daemon gave it, else null (the caller runs the request itself). */
export async function viaDaemon(op: Operation, input: Buffer, ctx: Context): Promise<DaemonAnswer | null> {
  const { env } = ctx
  if (op === 'erase' || !daemonMayAnswer(op, env)) return null
  // Bytes that are not UTF-8 would not survive JSON; the process refuses them itself.
  const text = input.toString('utf8')
  if (!Buffer.from(text, 'utf8').equals(input)) return null
  const { metadata, pending } = ctx.paths
  if ((statIfAny(metadata)?.size ?? 0) > HELPER_MAX_METADATA_BYTES) return null
  const p = runtimePaths(env)
  try {
    if (!checkClientPaths(p)) return null
    // Every input of the decision that is this process's own goes along: the daemon never uses its own environment for them.
    const req = { op: 'helper', action: op, input: text, metadata, pending, service: env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE } as const
    const reply = await request(p, req, requestTimeoutMs(env))
    if (!reply.ok || !reply.handled) return null
    const notes = Array.isArray(reply.notes) ? reply.notes.filter(n => typeof n === 'string') : []
    return { out: typeof reply.out === 'string' ? reply.out : '', notes }
  } catch (e) {
    // A slow or odd daemon costs this process once: the request goes on without it.
    if (e instanceof DaemonUnavailable) noteDaemonFailure(p.socket, e.why)
    return null
  }
}

/** Only where the process would ask the daemon anyway, and with the default log settings: the daemon logs the request with its own. */
function eligible(env: NodeJS.ProcessEnv): boolean {
  return daemonAsked(env) && env.GIT_CREDENTIAL_PAT_TRACE === undefined && env.GIT_CREDENTIAL_PAT_LOG === undefined
}
