// doctor: the cache daemon.
import { PatError } from '../../errors.js'
import type { Status } from '../../daemon/client/protocol.js'
import { daemonStatus } from '../commands/daemon.js'
import type { Check } from './check.js'

/** doctor's line about the daemon: running or not, and a socket directory that would be refused. */
export async function daemonCheck(env: NodeJS.ProcessEnv): Promise<Check> {
  const mk = (status: Check['status'], summary: string, fix: string[] = []): Check => ({ id: 'daemon', status, summary, details: [], fix })
  const { daemonMode } = await import('../../state/secrets.js')
  const mode = await daemonMode(env)
  const { DaemonClient } = await import('../../daemon/client/client.js')
  const c = new DaemonClient(env)
  let st: Status | null
  try {
    st = await daemonStatus(env)
  } catch (e) {
    if (!(e instanceof PatError)) throw e
    // A refusal of the run directory itself, its key or socket: remove them,
    // they are made again safely. A directory above it is the user's to fix,
    // as the message says (another location, or chmod go-w).
    const own = e.message.includes(c.paths.dir)
    const fix = own
      ? [`git-credential-pat daemon stop; rm -rf ${c.paths.dir}   (it is made again, safely, on demand)`]
      : ['set XDG_RUNTIME_DIR (or GIT_CREDENTIAL_PAT_HOME) to a directory only you can write, or fix the directory as the message says']
    return mk(mode === 'never' ? 'warn' : 'fail', e.message, fix)
  }
  if (st) {
    const note = mode === 'never' ? ' although credential.pat.daemon is never' : ''
    const held = guarded(st)
    return {
      ...mk(
        held.status,
        `daemon running${note} (pid ${st.pid}, ${st.cached} cached, ${st.sessions} session-only, cache timeout ${st.cacheTimeout} s)`,
        held.fix,
      ),
      details: [held.line],
    }
  }
  if (mode === 'never') return mk('ok', 'daemon not used (credential.pat.daemon=never): every git command reads the keychain')
  return mk('ok', `daemon not running; ${mode === 'always' ? 'started' : 'started in the background'} by the next git command that needs a secret`)
}

/**
 * What keeps the daemon's memory from other processes of the user: under Bun
 * on Linux it is not dumpable and has no core limit (runtime/harden.ts).
 * Under Node neither can be set: any process of the user may read its
 * memory, and a crash may leave a core file, unless the system forbids both.
 */
function guarded(st: Status): { status: Check['status']; line: string; fix: string[] } {
  const h = st.hardening
  if (h?.notDumpable && h.noCore) return { status: 'ok', line: 'not dumpable and no core file: other processes of yours cannot read its memory', fix: [] }
  return {
    status: 'warn',
    line: `${h?.notDumpable ? 'not dumpable' : 'dumpable: any process of yours may read its memory (ptrace, /proc/<pid>/mem) unless kernel.yama.ptrace_scope forbids it'}; ${h?.noCore ? 'no core file' : 'a crash may write a core file'} (the daemon runs under Node, or bun:ffi is not available)`,
    fix: ['run the helper under Bun on Linux (bin/git-credential-pat picks it where the build found one), or set kernel.yama.ptrace_scope=1 and ulimit -c 0'],
  }
}
