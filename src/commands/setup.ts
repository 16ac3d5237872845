// `setup [--global|--local]`: make git ask pat first (keeping the user's
// other helpers) and send the repository path wherever a token is scoped to
// one (SPEC §3, §5). Safe to run again: it changes only what is missing.
import type { CommandModule } from 'yargs'
import { configGetUrlmatch, configSet } from '../gitconfig.js'
import { ensureHelperFirst } from '../helper-config.js'
import { readMetadata } from '../tokens.js'
import { statePaths } from '../paths.js'
import { scopeOf } from '../select.js'
import { originOf } from '../scope.js'

interface SetupArgs {
  global?: boolean
  local?: boolean
}

export const setup: CommandModule<object, SetupArgs> = {
  command: 'setup',
  describe: 'configure git to use this helper (credential.helper pat, useHttpPath)',
  builder: y =>
    y
      .option('global', { type: 'boolean', describe: 'your global git config (the default)' })
      .option('local', { type: 'boolean', describe: 'only the repository in the current directory' })
      .conflicts('global', 'local')
      .example('$0 setup', 'once per machine; install.sh runs it')
      .example('$0 setup --local', 'only for this repository') as never,
  handler: args => {
    process.stdout.write(runSetup(args.local ? 'local' : 'global'))
  },
}

export function runSetup(scope: 'global' | 'local', env = process.env): string {
  const lines: string[] = []
  const helper = ensureHelperFirst(scope, env)
  if (helper) {
    lines.push(`set credential.helper in ${helper.file}: git now asks ${helper.list.join(', then ')}`)
    lines.push(...helper.notes)
  } else lines.push(`credential.helper (${scope}): pat is already first`)

  // git sends the repository path only with useHttpPath (gitcredentials(7)).
  const origins = new Set<string>()
  for (const t of readMetadata(statePaths(env).metadata).tokens) {
    const s = scopeOf(t)
    if (s && s.path.length && t.state !== 'disabled') origins.add(originOf(s))
  }
  for (const origin of [...origins].sort()) {
    if (isTrue(configGetUrlmatch('credential.useHttpPath', origin, env))) continue
    const key = `credential.${origin}.useHttpPath`
    configSet(key, 'true', scope === 'local' ? '--local' : '--global', env)
    lines.push(`set ${key}=true (${scope}): tokens for single repositories or groups there need the path`)
  }
  return lines.join('\n') + '\n'
}

/** git's boolean spelling of true. */
export const isTrue = (v: string | undefined) => v !== undefined && /^(true|yes|on|0*[1-9]\d*)$/i.test(v.trim())
