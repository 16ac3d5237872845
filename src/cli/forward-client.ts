// Asking the daemon about forwards, for `forward start|list|stop|ssh`
// (docs/forwarding.md). The forwards themselves are src/daemon/forwards.ts.
import type { Argv } from 'yargs'
import { PatError } from '../errors.js'
import { parseAllow } from '../core/forward.js'
import { parseDuration } from '../core/warn.js'
import type { ForwardInfo, Reply, Request } from '../daemon/client/protocol.js'
import { renderTable } from './table.js'

export const DEFAULT_FOR = '12h'

export interface StartArgs {
  allow?: string[]
  for?: string
  socketMode?: string
}

/** The options start and ssh share. */
export function startOptions<T>(s: Argv<T>): Argv<T> {
  return s
    .option('allow', { type: 'string', array: true, describe: 'a scope the forward may answer for (repeatable): HOST, HOST/group/*, HOST/group/repo' })
    .option('for', { type: 'string', default: DEFAULT_FOR, describe: 'how long the forward lives: 30m, 12h, 7d' })
    .option('socket-mode', {
      type: 'string',
      default: '600',
      describe: 'the socket file mode: 600 (you only), or 660/666 for a container running as another uid (docs/forwarding.md)',
    }) as never
}

/** Start a forward in the daemon (started if needed): its info. USAGE errors for bad options, nothing started. */
export async function startForward(args: StartArgs, env: NodeJS.ProcessEnv): Promise<ForwardInfo> {
  const allow = args.allow ?? []
  parseAllow(allow) // refused here, with exit 2, before the daemon is asked
  const forMs = parseDuration(args.for ?? DEFAULT_FOR)
  if (forMs === null || forMs <= 0) throw new PatError('USAGE', `--for ${args.for}: give a duration such as 30m, 12h or 7d`)
  const mode = socketMode(args.socketMode ?? '600')
  const r = await ask({ op: 'forward-start', allow, forMs, mode }, env, true)
  if (!r.ok) throw new PatError('DAEMON', `the daemon did not start the forward: ${r.error}`)
  if (!r.forward) throw new PatError('DAEMON', 'the daemon did not start the forward (an older daemon? run git-credential-pat daemon stop)')
  return r.forward
}

function socketMode(text: string): number {
  if (!['600', '660', '666', '0600', '0660', '0666'].includes(text)) throw new PatError('USAGE', `--socket-mode ${text}: choose 600, 660 or 666`)
  return parseInt(text, 8)
}

export async function listForwards(env: NodeJS.ProcessEnv): Promise<ForwardInfo[]> {
  const r = await ask({ op: 'forward-list' }, env, false)
  return r.ok ? (r.forwards ?? []) : []
}

/** End one forward (or all): how many ended. */
export async function stopForwards(id: string | undefined, env: NodeJS.ProcessEnv): Promise<number> {
  const r = await ask(id === undefined ? { op: 'forward-stop' } : { op: 'forward-stop', id }, env, false)
  if (!r.ok) throw new PatError('NOT_FOUND', r.error)
  return r.stopped ?? 0
}

/** One request to the daemon; one that is not running has no forwards (it is started only to start one). */
async function ask(req: Request, env: NodeJS.ProcessEnv, start: boolean): Promise<Reply> {
  const { DaemonClient } = await import('../daemon/client/client.js')
  const c = new DaemonClient(env)
  if (start && !(await c.ensureRunning(5000, { strict: true }))) {
    throw new PatError('DAEMON', 'the daemon did not start within 5 s; run `git-credential-pat daemon run` to see why')
  }
  const r = await c.call(req, { strict: true, timeoutMs: 5000 })
  if (r) return r
  if (start || c.lastFailure !== 'absent') throw new PatError('DAEMON', `the daemon did not answer (${c.lastFailure ?? 'no reply'})`)
  return req.op === 'forward-list' ? { ok: true, forwards: [] } : { ok: false, error: 'no daemon is running, so no forward is live' }
}

export function describeForwards(list: ForwardInfo[]): string {
  if (!list.length) return 'no forward is live\n'
  const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')
  const rows = list.map(f => [f.id, f.allow.join(' '), at(f.started), at(f.ends), String(f.served), f.socket].map(text => ({ text })))
  return renderTable(['ID', 'ALLOW', 'STARTED', 'ENDS', 'SERVED', 'SOCKET'], rows, false) // no cell has a tone
}
