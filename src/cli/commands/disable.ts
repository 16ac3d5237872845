// `disable NAME…`: keep a token but stop get from sending it.
import type { CommandModule } from 'yargs'
import { setState } from './enable.js'
import { out } from '../out.js'
import { ctxOf } from '../exit-code.js'

export const disable: CommandModule<object, { names: string[] }> = {
  command: 'disable <names..>',
  describe: 'stop sending a token without deleting it',
  builder: y =>
    y
      .positional('names', { type: 'string', array: true, demandOption: true, describe: 'token names (see: list)' })
      // yargs fills in $0 in an example's command, not in its description.
      .example('# undo with: git-credential-pat enable ci-runner-7', '')
      .example('$0 disable ci-runner-7', '') as never,
  handler: async args => {
    const ctx = ctxOf(args)
    out(await setState(args.names, 'disabled', ctx.now(), ctx.env))
  },
}
