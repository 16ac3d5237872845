// `setup [--global|--local]`: make git ask pat first (keeping the user's
// other helpers) and send the repository path wherever a token is scoped to
// one. Safe to run again: it changes only what is missing.
import type { CommandModule } from 'yargs'
import { configGetUrlmatch } from '../../gitconfig/run.js'
import { setUseHttpPath } from '../../gitconfig/use-http-path.js'
import { parseBool } from '../../gitconfig/settings.js'
import { configFile } from '../../gitconfig/config-file.js'
import { ensureHelperFirst } from '../../gitconfig/helper-edit.js'
import { runUnset } from './setup-unset.js'
import { describeOther, findOtherHelpers, removeOtherHelpers } from '../../gitconfig/other-helpers.js'
import { openTerminal } from '../../prompt/tty.js'
import { say } from '../../log/stderr.js'
import { readMetadata } from '../../state/tokens.js'
import { statePaths } from '../../state/paths.js'
import { scopeOf } from '../../core/select.js'
import { originOf } from '../../core/scope.js'
import { launchers } from '../../runtime/install.js'
import { PatError } from '../../errors.js'
import { basename, isAbsolute } from 'node:path'
import { out } from '../out.js'
import { ctxOf } from '../exit-code.js'

interface SetupArgs {
  global?: boolean
  local?: boolean
  keepOtherHelpers?: boolean
  removeOtherHelpers?: boolean
  unset?: boolean
  absolute?: string
}

export const setup: CommandModule<object, SetupArgs> = {
  command: 'setup',
  describe: 'configure git to use this helper (credential.helper pat, useHttpPath)',
  builder: y =>
    y
      .option('global', { type: 'boolean', describe: 'your global git config (the default)' })
      .option('local', { type: 'boolean', describe: 'only the repository in the current directory' })
      .option('keep-other-helpers', { type: 'boolean', describe: "keep git's store/cache helpers after pat (they keep copies of every token)" })
      .option('remove-other-helpers', { type: 'boolean', describe: "remove git's store/cache helpers from this config file without asking" })
      .option('unset', {
        type: 'boolean',
        describe: "undo setup: remove pat's helper entries and the useHttpPath entries it set, nothing else",
      })
      .option('absolute', {
        type: 'string',
        describe:
          "write the program's absolute path as the helper, not `pat`, for when its directory is not on PATH (install.sh does this); --absolute=PATH names a link to it",
      })
      .conflicts('global', 'local')
      .conflicts('unset', 'absolute')
      .conflicts('keep-other-helpers', 'remove-other-helpers')
      .conflicts('unset', ['keep-other-helpers', 'remove-other-helpers'])
      .example('# once per machine; install.sh runs it', '')
      .example('$0 setup', '')
      .example('# only for this repository', '')
      .example('$0 setup --local', '')
      .example('# before leaving (install.sh --uninstall runs it)', '')
      .example('$0 setup --unset', '') as never,
  handler: async args => {
    const { env } = ctxOf(args)
    const scope = args.local ? 'local' : 'global'
    if (args.unset) return void out(runUnset(scope, env))
    out(runSetup(scope, env, ctxOf(args).now(), args.absolute !== undefined ? absoluteHelper(args.absolute) : undefined))
    const choice = args.keepOtherHelpers ? 'keep' : args.removeOtherHelpers ? 'remove' : 'ask'
    out(await settleOtherHelpers(scope, choice, env))
  },
}

/**
 * git runs a helper named by an absolute path as it is (gitcredentials(7),
 * "custom helpers"), through the shell: a path with blanks or quotes would
 * be split, so those are refused.
 */
export function absoluteHelper(given: string): string {
  const path = given || launchers()[0]
  if (!isAbsolute(path) || basename(path) !== 'git-credential-pat') {
    throw new PatError('USAGE', `--absolute takes the absolute path of a git-credential-pat program, not ${path}`)
  }
  if (/[\s'"\\$`!]/.test(path)) {
    throw new PatError(
      'USAGE',
      `cannot name ${path} in credential.helper (it has blanks or quotes); put its directory on PATH and run setup without --absolute`,
    )
  }
  return path
}

export function runSetup(scope: 'global' | 'local', env: NodeJS.ProcessEnv, now: Date, want?: string): string {
  const lines: string[] = []
  const helper = ensureHelperFirst(scope, env, want)
  if (helper) {
    lines.push(`set credential.helper in ${helper.file}: git now asks ${helper.list.join(', then ')}`)
    lines.push(...helper.notes)
  } else lines.push(`credential.helper (${scope}): ${want ?? 'pat'} is already first`)

  // git sends the repository path only with useHttpPath (gitcredentials(7)).
  const origins = new Set<string>()
  for (const t of readMetadata(statePaths(env).metadata).tokens) {
    const s = scopeOf(t)
    if (s && s.path.length && t.state !== 'disabled') origins.add(originOf(s))
  }
  for (const origin of [...origins].sort()) {
    if (parseBool(configGetUrlmatch('credential.useHttpPath', origin, env))) continue
    const key = setUseHttpPath(origin, scope, env, now)
    lines.push(`set ${key}=true (${scope}): tokens for single repositories or groups there need the path`)
  }
  return lines.join('\n') + '\n'
}

/**
 * git's store and cache helpers beside pat keep copies of every token git
 * uses and hand them out once pat withholds one. Name
 * them; remove them from this scope's config file when told to, or when the
 * user says yes at a terminal; otherwise keep them and warn.
 */
export async function settleOtherHelpers(scope: 'global' | 'local', choice: 'keep' | 'remove' | 'ask', env: NodeJS.ProcessEnv): Promise<string> {
  const scopes = scope === 'global' ? ['system', 'global'] : ['system', 'global', 'local']
  const others = findOtherHelpers(env, scopes)
  if (!others.length) return ''
  for (const h of others)
    say(`git also asks ${describeOther(h)}: it gets a copy of every token git uses, and sends it even after pat withholds it (disabled, expired, rejected)`)
  let remove = choice === 'remove'
  if (choice === 'ask' && process.stdin.isTTY) {
    const tty = openTerminal()
    if (tty) {
      try {
        remove = !/^n/i.test((await tty.ask('Remove them from your git config? [Y/n] ')).trim())
      } finally {
        tty.close()
      }
    }
  }
  if (!remove) {
    say(
      `kept them${choice === 'keep' ? ' (--keep-other-helpers)' : ''}; to remove them: git-credential-pat setup${scope === 'local' ? ' --local' : ''} --remove-other-helpers`,
    )
    return ''
  }
  const file = configFile(scope, env)
  const removed = removeOtherHelpers(file)
  const lines = removed.map(v => `removed credential helper '${v}' from ${file}`)
  // What is left lives in files this scope does not edit (system config, another scope).
  for (const h of findOtherHelpers(env, scopes)) {
    say(
      `still configured: ${describeOther(h)}; remove it there${h.file ? ` (git config --file ${h.file} --unset-all ${h.url === undefined ? 'credential.helper' : `credential.${h.url}.helper`})` : ''}`,
    )
  }
  return lines.length ? lines.join('\n') + '\n' : ''
}
