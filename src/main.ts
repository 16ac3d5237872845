// Entry point. git runs `git-credential-pat get|store|erase`; those go to
// the daemon when it can answer them whole (git/via-daemon.ts), else take
// the lean path in helper.ts. Everything else is the management CLI (yargs),
// loaded only when asked for.
//
// The process's context (state/context.ts: env, clock, state paths, keychain
// binding) is built here once and passed down; the daemon (daemon/run.ts)
// gets it too, and takes what is the client's own in each request (its
// metadata file, pending directory, keychain service) from the request.
// Module state that is per process by nature:
// - runtime/choose.ts `runtime`: Bun or Node, and whether bun:ffi is there;
// - runtime/libc.ts: the libc bindings, loaded once directCalls() asked;
// - runtime/exit-hooks.ts: what runs before the process leaves;
// - log/report.ts: whether an internal error prints its stack (GIT_CREDENTIAL_PAT_TRACE), set below;
// - log/log.ts: the log file, level and writer (configureLog, by each entry point);
// - state/daemon-link.ts: the daemon client state/ asks, and for which env (useDaemon, by each entry point);
// - state/keychain-account.ts: the context's keychain binding in use (useKeychain, by each entry point);
// - state/sources/keychain.ts: keytar, loaded once, and whether the keyring stopped answering;
// - state/secrets.ts: one daemon client per env; state/lock.ts: the boot id;
// - daemon/client/client.ts, key-cache.ts: daemons that failed once are not asked again, keys read once;
// - daemon/helper-answer.ts: the daemon's parsed metadata, per file and host;
// - prompt/tty.ts: the one terminal opened for questions; core/select.ts: parsed scopes.
import { processContext } from './state/context.js'
import { OPERATIONS, readStdin, type Operation } from './git/input.js'
import { daemonMayAnswer, viaDaemon } from './git/via-daemon.js'
import { forwardWhere } from './git/forward-where.js'
import { directCalls } from './runtime/sys.js'
import { say, writeAll } from './log/stderr.js'
import { report, traceStacks } from './log/report.js'
import { runExitHooks } from './runtime/exit-hooks.js'

/** Whether this process took a path that writes through process.stdout/stderr. */
let streams = false

const ctx = processContext()
traceStacks(ctx.env.GIT_CREDENTIAL_PAT_TRACE === '1')

async function main(argv: string[]): Promise<number> {
  const op = argv[0]
  if (argv.length === 1 && (OPERATIONS as readonly string[]).includes(op)) {
    // GIT_CREDENTIAL_PAT_NO_FFI: node:fs and Bun's sockets instead (docs/git-credential-pat.md, "Environment").
    if (daemonMayAnswer(op as Operation, ctx.env) && !ctx.env.GIT_CREDENTIAL_PAT_NO_FFI) directCalls()
    const input = readStdin()
    // A forward from another machine comes before this one's own tokens (docs/forwarding.md).
    const fwd = forwardWhere(ctx.env)
    const forwarded = fwd && (await (await import('./git/forward-ask.js')).answeredByForward(op as Operation, input, fwd, ctx.env))
    if (forwarded === 'answered') return 0
    // The daemon answers the everyday get and store whole; the rest loads only when it cannot.
    const answer = await viaDaemon(op as Operation, input, ctx)
    if (answer !== null) {
      for (const n of answer.notes) say(n)
      writeAll(1, answer.out)
      return 0
    }
    return (await import('./git/helper.js')).runHelper(op as Operation, ctx, input, forwarded === 'gone' ? fwd!.path : undefined)
  }
  streams = true
  // `daemon run` starts without yargs: a client may be waiting for it.
  if (argv.length === 2 && op === 'daemon' && argv[1] === 'run') {
    return (await import('./daemon/run.js')).runDaemon(ctx)
  }
  const { COMMAND_NAMES, runCli } = await import('./cli/cli.js')
  // git-credential(1): helpers must ignore operations they do not know, so a
  // future git's new operation gets silence, not a usage error. A person at
  // a terminal still gets told about a typo.
  if (argv.length === 1 && /^[a-z][a-z-]*$/.test(op) && !COMMAND_NAMES.includes(op) && !process.stdin.isTTY) {
    return 0
  }
  return runCli(argv, ctx)
}

/**
 * Leave as soon as the work is done, with its exit code, rather than when
 * the event loop empties: a keytar call to a frozen keyring keeps the
 * process alive long after its bounded wait gave up, and every command
 * returns within about 6 s (docs/git-credential-pat.md, "Storage"). Output is flushed first: the
 * git side writes with writeSync; the CLI's streams are drained.
 */
async function leave(code: number): Promise<never> {
  await Promise.all([drained('stdout'), drained('stderr')])
  await runExitHooks()
  process.exit(code)
}

/** Wait until a stdio stream has written everything (at the reader's pace). */
function drained(name: 'stdout' | 'stderr'): Promise<void> {
  // Only the CLI and the daemon use process.stdout/stderr; the git side
  // writes to fds 1 and 2 directly, and creating the streams costs
  // time under Bun on every get.
  if (!streams) return Promise.resolve()
  const s = process[name]
  if (!s.writableLength || s.destroyed) return Promise.resolve()
  return new Promise(resolve => {
    s.once('drain', resolve)
    s.once('error', resolve)
    s.once('close', resolve)
  })
}

main(process.argv.slice(2)).then(
  code => leave(code),
  err => leave(report(err)),
)
