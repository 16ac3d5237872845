// `forward ssh --allow SCOPE… -- SSH-ARGS…` (docs/forwarding.md): a forward
// that lives exactly as long as one ssh session. ssh's -R makes the remote
// end, `~/.git-credential-pat-forward.sock` on the remote machine, where the
// remote helper looks by default. sshd binds a forwarded socket at the path
// as given, without expanding `~` or resolving it against the home
// (sshd_config(5), StreamLocalBindUnlink; ssh(1), -R), so the remote home is
// asked first, over the same ssh options, unless --remote-path names it.
import type { Argv, CommandModule } from 'yargs'
import { spawn } from 'node:child_process'
import { constants } from 'node:os'
import { PatError } from '../../errors.js'
import { withExitCode } from '../exit-code.js'
import { startForward, startOptions, stopForwards, type StartArgs } from '../forward-client.js'

export const REMOTE_NAME = '.git-credential-pat-forward.sock'

interface SshArgs extends StartArgs {
  remotePath?: string
  _: (string | number)[]
  '--'?: (string | number)[]
}

export const forwardSsh: CommandModule<object, SshArgs> = {
  command: 'ssh',
  describe: 'ssh with a forward that ends when ssh does: forward ssh --allow SCOPE -- [SSH-OPTIONS] HOST [COMMAND]',
  builder: (y: Argv) =>
    startOptions(y)
      .option('remote-path', { type: 'string', describe: `the socket path on the remote machine (default: ~/${REMOTE_NAME} there)` })
      .demandOption('allow', 'name the scopes the forward may answer for: --allow HOST[/PATH[/*]]')
      .parserConfiguration({ 'populate--': true }) as never,
  handler: withExitCode(async (args, ctx) => {
    const ssh = (args['--'] ?? []).map(String)
    if (!ssh.length) throw new PatError('USAGE', 'give ssh its arguments after --: forward ssh --allow SCOPE -- HOST')
    return runForwardSsh(args, ssh, ctx.env)
  }),
}

/** ssh's options that take a value (ssh(1) SYNOPSIS), to find where the destination is. */
const WITH_VALUE = new Set('BbcDEeFIiJLlmOoPpQRSWw'.split(''))

/** The options before the destination, the destination, and the remote command. */
export function splitSshArgs(args: readonly string[]): { options: string[]; dest: string; command: string[] } | null {
  let i = 0
  while (i < args.length && args[i].startsWith('-') && args[i] !== '-') {
    const a = args[i]
    if (a === '--') {
      i++
      break
    }
    // -p22 carries its value; -p 22 takes the next word. Flags bundle: -tA, -vvp 22.
    const letters = a.slice(1)
    const valueAt = [...letters].findIndex(c => WITH_VALUE.has(c))
    i += valueAt >= 0 && valueAt === letters.length - 1 ? 2 : 1
  }
  if (i >= args.length) return null
  return { options: args.slice(0, i), dest: args[i], command: args.slice(i + 1) }
}

async function runForwardSsh(args: SshArgs, sshArgs: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const split = splitSshArgs(sshArgs)
  if (!split) throw new PatError('USAGE', 'no destination among the ssh arguments: forward ssh --allow SCOPE -- [OPTIONS] HOST [COMMAND]')
  const remote = args.remotePath ?? `${await remoteHome(split.options, split.dest, env)}/${REMOTE_NAME}`
  const f = await startForward(args, env)
  try {
    return await runSsh(['-o', 'ExitOnForwardFailure=yes', '-o', 'StreamLocalBindUnlink=yes', '-R', `${remote}:${f.socket}`, ...sshArgs], env)
  } finally {
    await stopForwards(f.id, env).catch(() => 0) // the daemon may be gone already: so is the forward
  }
}

/** $HOME on the remote machine, asked over ssh with the user's options. */
async function remoteHome(options: string[], dest: string, env: NodeJS.ProcessEnv): Promise<string> {
  const r = await capture(['-o', 'ClearAllForwardings=yes', '-T', ...options, dest, 'printf "%s" "$HOME"'], env)
  const home = r.stdout.trim()
  if (r.code !== 0 || !home.startsWith('/') || home.includes('\n') || home.includes(':')) {
    throw new PatError(
      'INPUT',
      `could not learn the remote home over ssh (exit ${r.code}); name the remote socket path with --remote-path /home/USER/${REMOTE_NAME}`,
    )
  }
  return home.replace(/\/+$/, '')
}

function capture(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  return new Promise(resolve => {
    const child = spawn(sshCommand(env), args, { env, stdio: ['ignore', 'pipe', 'inherit'] })
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', d => (stdout += d))
    child.on('error', () => resolve({ code: 127, stdout: '' }))
    child.on('close', code => resolve({ code: code ?? 255, stdout }))
  })
}

/** ssh in the foreground, its exit code ours; a signal that ends us is handed to it. */
function runSsh(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise(resolve => {
    const child = spawn(sshCommand(env), args, { env, stdio: 'inherit' })
    // Ctrl-C reaches ssh through the terminal; we stay to end the forward after it.
    const pass = (sig: NodeJS.Signals) => () => void child.kill(sig)
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map(sig => [sig, sig === 'SIGINT' ? () => {} : pass(sig)] as const)
    for (const [sig, h] of handlers) process.on(sig, h)
    const done = (code: number) => {
      for (const [sig, h] of handlers) process.off(sig, h)
      resolve(code)
    }
    child.on('error', e => {
      process.stderr.write(`git-credential-pat: could not run ssh: ${e.message}\n`)
      done(127)
    })
    child.on('close', (code, signal) => done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)))
  })
}

/** ssh, or the one GIT_CREDENTIAL_PAT_SSH names (a path, no arguments). */
const sshCommand = (env: NodeJS.ProcessEnv) => env.GIT_CREDENTIAL_PAT_SSH || 'ssh'
