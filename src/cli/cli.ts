// The management CLI: one yargs command per file in src/cli/commands/.
// Handlers return their exit code (exit-code.ts); failures end in report().
import yargs, { type CommandModule } from 'yargs'
import { PatError } from '../errors.js'
import { report } from '../log/report.js'
import { configureLog } from '../log/log.js'
import { useDaemon } from '../state/daemon-link.js'
import { useKeychain } from '../state/keychain-account.js'
import { daemonLink } from '../daemon/client/client.js'
import { parseAndRun } from './exit-code.js'
import { add } from './commands/add.js'
import { list } from './commands/list.js'
import { which } from './commands/which.js'
import { check } from './commands/check.js'
import { show } from './commands/show.js'
import { edit } from './commands/edit.js'
import { rotate } from './commands/rotate.js'
import { enable } from './commands/enable.js'
import { disable } from './commands/disable.js'
import { remove } from './commands/remove.js'
import { setup } from './commands/setup.js'
import { doctor } from './commands/doctor.js'
import { daemon } from './commands/daemon.js'
import { logCommand } from './commands/log.js'
import { forward } from './commands/forward.js'
import { importCommand } from './commands/import.js'
import { exportCommand } from './commands/export.js'
import { completion, YARGS_COMPLETION } from './commands/completion.js'
import { redactWords } from '../core/redact.js'
import { readMetadata } from '../state/tokens.js'
import type { Context } from '../state/context.js'
import { packageVersion } from '../runtime/install.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const COMMANDS: CommandModule<any, any>[] = [
  add,
  list,
  which,
  show,
  edit,
  rotate,
  enable,
  disable,
  remove,
  check,
  setup,
  doctor,
  daemon,
  logCommand,
  forward,
  importCommand,
  exportCommand,
  completion,
]

export const COMMAND_NAMES = COMMANDS.map(c => String(c.command).split(' ')[0]).concat(['help'])

/** The management CLI in the process's context (main.ts builds it). */
export async function runCli(argv: string[], ctx: Context): Promise<number> {
  configureLog(ctx.env, ctx.paths.log)
  useDaemon(daemonLink, ctx.env)
  useKeychain(ctx.keychain)
  const args = joinDashValues(argv)
  let parser = yargs(args)
    .scriptName('git-credential-pat')
    .usage(
      '$0 <command> [options]\n\nA git credential helper for personal access tokens.\ngit uses it as `credential.helper pat`; these commands manage the tokens.',
    )
    .strict()
    .demandCommand(1, 'name a command')
    .recommendCommands()
    // yargs's completion answers --get-yargs-completions; the script itself comes from `completion`.
    .completion(YARGS_COMPLETION, false, completeNames(ctx.paths.metadata))
    .help()
    .alias('h', 'help')
    .version(packageVersion())
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // Usage errors come as messages; failures from handlers as errors.
      // yargs echoes unknown words back, which may be a pasted token.
      throw err ?? new PatError('USAGE', usageLine(msg))
    })
  for (const c of COMMANDS) parser = parser.command(c)
  try {
    return await parseAndRun(parser, args, ctx)
  } catch (e) {
    // Ctrl-C at any question (prompt/tty.ts Cancelled): leave as an interrupted program does, status 130.
    if ((e as { interrupted?: unknown })?.interrupted === true) (await import('../prompt/tty.js')).leaveInterrupted()
    // One line, as every error; usage messages from handlers may quote input.
    return report(e instanceof PatError && e.code === 'USAGE' ? new PatError('USAGE', usageLine(e.message)) : e, { hint: true })
  }
}

/** Options whose value may start with a dash (`--expires -5d` is refused by add, not misread as flags -5 -d). */
const DASH_VALUE_OPTIONS = new Set(['--expires'])

export function joinDashValues(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') return out.concat(argv.slice(i))
    if (DASH_VALUE_OPTIONS.has(argv[i]) && /^-\d/.test(argv[i + 1] ?? '')) {
      out.push(`${argv[i]}=${argv[i + 1]}`)
      i++
    } else out.push(argv[i])
  }
  return out
}

/**
 * A usage message as one line without anything that looks like a token.
 * yargs's "Invalid values:" block (three lines) names the valid choices.
 */
export function usageLine(msg: string): string {
  const invalid = /^Invalid values?:\s*\n/.exec(msg)
  if (invalid) {
    const parts = [...msg.matchAll(/Argument: ([^,\n]+), Given: (.*?), Choices: (.*)$/gm)].map(
      ([, arg, given, choices]) =>
        `--${arg} ${given} is not valid; choose one of: ${choices
          .split(/,\s*/)
          .map(c => c.replace(/^"|"$/g, ''))
          .join(', ')}`,
    )
    if (parts.length) msg = parts.join('; ')
  }
  return redactUsage(msg)
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim()
}

/** Commands whose positional arguments are token names. */
const NAME_COMMANDS = new Set(['show', 'edit', 'rotate', 'enable', 'disable', 'remove', 'check'])

/** Shell completion: token names (from `metadata`) after the commands that take them, yargs's own otherwise. */
const completeNames =
  (metadata: string) =>
  (
    current: string,
    argv: { _: (string | number)[] },
    completionFilter: (cb?: (err: Error | null, c: string[] | undefined) => void) => void,
    done: (c: string[]) => void,
  ): void => {
    const words = argv._.map(String)
    const command = words.find(w => COMMAND_NAMES.includes(w))
    if (command && NAME_COMMANDS.has(command) && !current.startsWith('-')) {
      // Synchronously: yargs goes on to validate argv if done() comes later.
      let names: string[] = []
      try {
        names = readMetadata(metadata).tokens.map(t => t.name)
      } catch {
        /* unreadable metadata: no names to offer */
      }
      return done(names.filter(n => n.startsWith(current)))
    }
    completionFilter((err, c) => done(err ? [] : (c ?? [])))
  }

/**
 * A usage message without anything that looks like a token. yargs lists an
 * unknown `--a-b` also as `aB`; that camel-cased copy goes, as it could
 * carry most of a secret past the check.
 */
export function redactUsage(msg: string): string {
  const m = /^(Unknown arguments?: )(.*)$/s.exec(msg)
  if (m) {
    const items = m[2].split(', ')
    const camel = new Set(items.filter(w => w.includes('-')).map(w => w.replace(/-+([^-])/g, (_, c: string) => c.toUpperCase())))
    msg = m[1] + items.filter(w => w.includes('-') || !camel.has(w)).join(', ')
  }
  return msg.replace(/[^\s,"'`]+/g, w => redactWords(w))
}
