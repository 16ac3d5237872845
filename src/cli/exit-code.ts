// CLI handlers return their exit code instead of setting process.exitCode
// (as rimraf's main() and npm's exec() do). yargs drops what a handler
// returns, so withExitCode() puts it in a slot that runCli hands yargs as
// parse context: one slot per run, no module state, and nested commands
// (`daemon status`) reach it the same way. main.ts exits with it. The same
// slot carries the process's context (state/context.ts) to every handler.
import type { ArgumentsCamelCase, Argv } from 'yargs'
import type { Context } from '../state/context.js'

/** What a command's work returns: its exit code; nothing is 0. */
export type ExitCode = number | void

// A symbol: yargs merges the context into argv, where a string key would
// also be a flag that strict mode lets through.
const SLOT = Symbol('exit code')
interface Slot {
  code: number
  ctx: Context
}

/** The context of the run a handler was called in (parseAndRun's). */
export function ctxOf(args: object): Context {
  const slot = (args as { [SLOT]?: Slot })[SLOT]
  if (!slot) throw new Error('a command ran outside parseAndRun')
  return slot.ctx
}

/** A yargs handler from `run`, whose returned number becomes the exit code. */
export function withExitCode<A>(run: (args: ArgumentsCamelCase<A>, ctx: Context) => ExitCode | Promise<ExitCode>) {
  return async (args: ArgumentsCamelCase<A>): Promise<void> => {
    const code = await run(args, ctxOf(args))
    const slot = (args as { [SLOT]?: Slot })[SLOT]
    if (typeof code === 'number' && slot) slot.code = code
  }
}

/** Parse argv and run the command it names in `ctx`: the exit code its handler returned (0 if none). */
export async function parseAndRun(parser: Argv, argv: string[], ctx: Context): Promise<number> {
  const slot: Slot = { code: 0, ctx }
  await parser.parseAsync(argv, { [SLOT]: slot })
  return slot.code
}
