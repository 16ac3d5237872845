// `doctor`: the command; the checks are in src/cli/doctor/.
import type { CommandModule } from 'yargs'
import { runDoctor } from '../doctor/index.js'
import { withExitCode } from '../exit-code.js'
import { out } from '../out.js'

export const doctor: CommandModule<object, { json?: boolean }> = {
  command: 'doctor',
  describe: 'check the setup (git config, binary, keychain, tokens) and say how to fix what is wrong',
  builder: y =>
    y
      .option('json', { type: 'boolean', describe: 'machine-readable output' })
      .example('# exit status 1 when a check fails; warnings exit 0', '')
      .example('$0 doctor', '')
      .example('git credential-pat doctor --json |\njq ".checks[] | select(.status != \\"ok\\")"', '') as never,
  handler: withExitCode(async (args, ctx) => {
    const { output, ok } = await runDoctor(Boolean(args.json), ctx.env, ctx.now())
    out(output)
    return ok ? 0 : 1
  }),
}
