// The management CLI: one yargs command per file in src/commands/ (SPEC §5).
import yargs, { type CommandModule } from 'yargs'
import { PatError, report } from './errors.js'
import { add } from './commands/add.js'
import { list } from './commands/list.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const COMMANDS: CommandModule<any, any>[] = [add, list]

export const COMMAND_NAMES = COMMANDS.map(c => String(c.command).split(' ')[0]).concat(['completion', 'help'])

export async function runCli(argv: string[]): Promise<number> {
  let parser = yargs(argv)
    .scriptName('git-credential-pat')
    .usage('$0 <command> [options]\n\nA git credential helper for personal access tokens.\ngit uses it as `credential.helper pat`; these commands manage the tokens.')
    .strict()
    .demandCommand(1, 'name a command (see --help)')
    .recommendCommands()
    .completion('completion', 'print a shell completion script')
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // Usage errors come as messages; failures from handlers as errors.
      throw err ?? new PatError('USAGE', msg)
    })
  for (const c of COMMANDS) parser = parser.command(c)
  try {
    await parser.parseAsync()
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (e) {
    if (e instanceof PatError && e.code === 'USAGE') {
      process.stderr.write(`git-credential-pat: ${e.message}\n(see git-credential-pat --help)\n`)
      return 2
    }
    return report(e)
  }
}
