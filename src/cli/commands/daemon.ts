// `daemon run|start|stop|status`. The daemon itself is in
// src/daemon/; `daemon run` is also routed by main.ts without yargs, so a
// client starting it on demand does not pay for the CLI.
import type { Argv, CommandModule } from 'yargs'
import { PatError } from '../../errors.js'
import type { Status } from '../../daemon/client/protocol.js'
import { withExitCode, ctxOf } from '../exit-code.js'
import { out } from '../out.js'
import { printableJson } from '../../core/terminal-text.js'

interface StatusArgs {
  json?: boolean
}

export const daemon: CommandModule<object, object> = {
  command: 'daemon',
  describe: 'the cache daemon that keeps secrets in memory: run, start, stop, status',
  builder: (y: Argv) =>
    y
      .command({
        command: 'run',
        describe: 'run the daemon in the foreground (logs go to the log file; GIT_CREDENTIAL_PAT_TRACE=1 also to stderr)',
        handler: withExitCode(async (_args, ctx) => (await import('../../daemon/run.js')).runDaemon(ctx)),
      })
      .command({
        command: 'start',
        describe: 'start the daemon in the background (get also starts it on demand)',
        handler: async args => {
          out(await startDaemonCommand(ctxOf(args).env))
        },
      })
      .command({
        command: 'stop',
        describe: 'stop the daemon; cached secrets and session-only tokens are dropped',
        handler: async args => {
          out(await stopDaemonCommand(ctxOf(args).env))
        },
      })
      .command<StatusArgs>({
        command: 'status',
        describe: 'pid, uptime, how many secrets are cached, the timeouts (never a secret)',
        builder: s => s.option('json', { type: 'boolean', describe: 'machine-readable output' }) as never,
        handler: withExitCode(async (args, ctx) => {
          const st = await daemonStatus(ctx.env)
          if (args.json) out(printableJson(st ? { running: true, ...st } : { running: false }) + '\n')
          else out(st ? describeStatus(st) : `daemon not running (it starts on demand; socket would be ${await socketPath(ctx.env)})\n`)
          return st ? 0 : 1
        }),
      })
      .demandCommand(1, 'name an action: run, start, stop or status')
      .example('$0 daemon status', '')
      .example('# keep secrets an hour (default 900 s)', '')
      .example('git config --global credential.pat.cacheTimeout 3600', '')
      .example('# start no daemon; one running now is still used until it stops:', '')
      .example('git config --global credential.pat.daemon never', '')
      .example('# stop it (GIT_CREDENTIAL_PAT_DAEMON=never also stops asking it)', '')
      .example('$0 daemon stop', '') as never,
  handler: () => {},
}

async function socketPath(env: NodeJS.ProcessEnv): Promise<string> {
  const { DaemonClient } = await import('../../daemon/client/client.js')
  return new DaemonClient(env).paths.socket
}

/** The running daemon's status, or null when none answers. Throws for an unsafe socket or directory. */
export async function daemonStatus(env: NodeJS.ProcessEnv): Promise<Status | null> {
  const { DaemonClient } = await import('../../daemon/client/client.js')
  const r = await new DaemonClient(env).call({ op: 'status' }, { strict: true, timeoutMs: 1000 })
  return r?.ok && r.status ? r.status : null
}

export async function startDaemonCommand(env: NodeJS.ProcessEnv): Promise<string> {
  const { DaemonClient } = await import('../../daemon/client/client.js')
  const { checkRuntimeDir } = await import('../../daemon/client/runtime.js')
  const c = new DaemonClient(env)
  checkRuntimeDir(c.paths.dir, true) // refuse a bad directory here, with the reason
  const before = await daemonStatus(env)
  if (before) return `daemon already running (pid ${before.pid}, socket ${before.socket})\n`
  if (!(await c.ensureRunning(5000, { strict: true }))) {
    throw new PatError('DAEMON', 'the daemon did not start within 5 s; run `git-credential-pat daemon run` to see why, or `git-credential-pat log`')
  }
  const st = await daemonStatus(env)
  return `daemon started (pid ${st?.pid ?? '?'}, socket ${c.paths.socket}, cache timeout ${st?.cacheTimeout ?? '?'} s)\n`
}

export async function stopDaemonCommand(env: NodeJS.ProcessEnv): Promise<string> {
  const { DaemonClient } = await import('../../daemon/client/client.js')
  const { checkClientPaths } = await import('../../daemon/client/runtime.js')
  const c = new DaemonClient(env)
  const st = await daemonStatus(env)
  if (!st) {
    if (c.lastFailure === 'timeout')
      throw new PatError('DAEMON', `the daemon on ${c.paths.socket} is not answering; stop it with kill (see: ps -C node -f | grep 'daemon run')`)
    return 'daemon not running\n'
  }
  await c.call({ op: 'stop' }, { strict: true, timeoutMs: 2000 })
  const deadline = Date.now() + 3000
  while (Date.now() < deadline && checkClientPaths(c.paths)) await new Promise(r => setTimeout(r, 20))
  const again = (await import('../../state/secrets.js')).daemonMode(env)
  const note = (await again) === 'never' ? '' : ' (git commands start it again on demand: git config --global credential.pat.daemon never to prevent that)'
  return `daemon stopped (pid ${st.pid}); its cached secrets and session-only tokens are gone${note}\n`
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

function duration(s: number): string {
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`
}

export function describeStatus(st: Status): string {
  return (
    [
      `daemon running (pid ${st.pid})`,
      `  socket:         ${st.socket}`,
      `  uptime:         ${duration(st.uptime)}`,
      `  cached:         ${plural(st.cached, 'secret', 'secrets')}`,
      `  session-only:   ${plural(st.sessions, 'token', 'tokens')}`,
      `  cache timeout:  ${st.cacheTimeout} s`,
      `  idle timeout:   ${st.idleTimeout > 0 ? `${st.idleTimeout} s (exits when idle with nothing held)` : 'none'}`,
    ].join('\n') + '\n'
  )
}
