// `enable NAME…`: let get send a disabled or rejected token again.
import type { CommandModule } from 'yargs'
import { updateMetadata, type TokenRecord } from '../../state/tokens.js'
import { statePaths } from '../../state/paths.js'
import { isExpired } from '../../core/select.js'
import { byName } from './lookup.js'
import { day } from '../../core/expiry.js'
import { DEAD, type Verdict } from '../../forge/report.js'
import { say } from '../../log/stderr.js'
import { out } from '../out.js'
import { ctxOf } from '../exit-code.js'

interface NamesArgs {
  names: string[]
}

export const enable: CommandModule<object, NamesArgs> = {
  command: 'enable <names..>',
  describe: 'turn a disabled or rejected token back on',
  builder: y =>
    y
      .positional('names', { type: 'string', array: true, demandOption: true, describe: 'token names (see: list)' })
      .example('# after a wrong rejection, or to undo disable', '')
      .example('$0 enable ci-runner-7', '') as never,
  handler: async args => {
    const ctx = ctxOf(args)
    out(await setState(args.names, 'active', ctx.now(), ctx.env))
  },
}

/** Set the state of each named token; all names are checked before any changes. */
export async function setState(names: string[], state: 'active' | 'disabled', now: Date, env: NodeJS.ProcessEnv): Promise<string> {
  const changed = await updateMetadata(statePaths(env).metadata, m => {
    const tokens = names.map(n => byName(m, n))
    return tokens.map(t => {
      const was = t.state
      t.state = state
      // Enabling overrides the server's refusal, so its record goes.
      if (state === 'active') delete t.rejected
      return { t: { ...t } as TokenRecord, was }
    })
  })
  const lines: string[] = []
  for (const { t, was } of changed) {
    const verb = state === 'active' ? 'enabled' : 'disabled'
    lines.push(was === state ? `'${t.name}' was already ${state === 'active' ? 'active' : 'disabled'}` : `${verb} '${t.name}' (${t.scope}; was ${was})`)
    // What the last `check` learned about this secret (rotate clears it): enabling will not make the forge take it.
    if (state === 'active' && t.checked?.result && DEAD.includes(t.checked.result as Verdict)) {
      say(
        `warning: the last check (${day(t.checked.at)}) found '${t.name}' ${t.checked.result}; get sends it again, but the forge will likely refuse it: git-credential-pat check ${t.name}, or rotate ${t.name}`,
      )
    }
    if (state === 'active' && isExpired(t, now)) {
      lines.push(`note: '${t.name}' expired on ${day(t.expires!)}, so it is still not sent; run: git-credential-pat rotate ${t.name} --expires …`)
    }
  }
  return lines.join('\n') + '\n'
}
