// `forward start|list|stop|ssh` (docs/forwarding.md): let a remote machine or
// a container ask this machine's helper for the tokens of a few scopes, as
// ssh-agent forwarding does for keys. The forwards themselves live in the
// daemon (src/daemon/forwards.ts); these commands ask it.
import type { Argv, CommandModule } from 'yargs'
import { PatError } from '../../errors.js'
import { withExitCode } from '../exit-code.js'
import { out } from '../out.js'
import { printableJson } from '../../core/terminal-text.js'
import { forwardSsh } from './forward-ssh.js'
import { describeForwards, listForwards, startForward, startOptions, stopForwards, type StartArgs } from '../forward-client.js'

export const forward: CommandModule<object, object> = {
  command: 'forward',
  describe: 'let a remote machine or container use the tokens of some scopes, as ssh-agent forwarding does for keys',
  builder: (y: Argv) =>
    y
      .command<StartArgs>({
        command: 'start',
        describe: 'start a forward and print its socket path',
        builder: s => startOptions(s).demandOption('allow', 'name the scopes the forward may answer for: --allow HOST[/PATH[/*]]') as never,
        handler: withExitCode(async (args, ctx) => {
          const f = await startForward(args, ctx.env)
          out(f.socket + '\n')
        }),
      })
      .command<{ json?: boolean }>({
        command: 'list',
        describe: 'the live forwards: id, allowed scopes, started, ends, requests served',
        builder: s => s.option('json', { type: 'boolean', describe: 'machine-readable output' }) as never,
        handler: withExitCode(async (args, ctx) => {
          const list = await listForwards(ctx.env)
          out(args.json ? printableJson(list) + '\n' : describeForwards(list))
        }),
      })
      .command<{ id?: string; all?: boolean }>({
        command: 'stop [id]',
        describe: 'end a forward (or all of them with --all); its socket goes',
        builder: s =>
          s
            .positional('id', { type: 'string', describe: 'the id forward list shows' })
            .option('all', { type: 'boolean', describe: 'end every forward' })
            .check(a => {
              if ((a.id !== undefined) !== !!a.all) return true
              throw new PatError('USAGE', 'name one forward id, or --all')
            }) as never,
        handler: withExitCode(async (args, ctx) => {
          const n = await stopForwards(args.all ? undefined : args.id, ctx.env)
          out(`${n === 1 ? '1 forward' : `${n} forwards`} stopped\n`)
        }),
      })
      .command(forwardSsh)
      .demandCommand(1, 'name an action: start, list, stop or ssh')
      .example('# ssh to devbox; git there gets team/ tokens until ssh exits', '')
      .example("$0 forward ssh \\\n--allow 'gitlab.com/team/*' -- devbox", '')
      .example('# a socket to bind into a container, for two hours', '')
      .example('$0 forward start \\\n--allow github.com/me/app --for 2h', '') as never,
  handler: () => {},
}
