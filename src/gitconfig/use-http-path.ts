// git sends the repository path to helpers only with credential.useHttpPath
// (gitcredentials(7)); a token scoped to a group or repository needs it for
// its origin. add, edit, setup, import and the prompt set it, all through
// setUseHttpPath, which records each one it set so `setup --unset` takes
// back exactly those (docs/git-credential-pat.md, Leaving).
import { originOf, parseScope } from '../core/scope.js'
import { recordSet } from '../state/config-record.js'
import { configFile } from './config-file.js'
import { configSet, git } from './run.js'

/** Set credential.<origin>.useHttpPath=true in that scope's file, and record it as ours. Returns the key. */
export function setUseHttpPath(origin: string, scope: 'global' | 'local', env: NodeJS.ProcessEnv, now: Date): string {
  const key = `credential.${origin}.useHttpPath`
  configSet(key, 'true', scope === 'local' ? '--local' : '--global', env)
  try {
    recordSet(configFile(scope, env), key, 'true', env, now)
  } catch {
    // Unrecorded, setup --unset leaves it and names it: a setting left behind, never one of the user's taken.
  }
  return key
}

/**
 * Set credential.<origin>.useHttpPath=true in the global config where a path
 * scope needs it and the global config does not say so already (for that
 * origin, or for every URL). A repository's own config does not count: the
 * token serves every repository. Returns the lines saying what it set.
 */
export function ensureUseHttpPath(scopes: readonly string[], env: NodeJS.ProcessEnv, now: Date, dryRun = false): string[] {
  const origins = new Set<string>()
  for (const text of scopes) {
    const s = parseScope(text)
    if (s.path.length) origins.add(originOf(s))
  }
  const lines: string[] = []
  for (const origin of [...origins].sort()) {
    const set = git(['config', '--global', '--type=bool', '--get-urlmatch', 'credential.useHttpPath', origin], env)
    if (set.status === 0 && set.stdout.trim() === 'true') continue
    const key = dryRun ? `credential.${origin}.useHttpPath` : setUseHttpPath(origin, 'global', env, now)
    lines.push(`${dryRun ? 'would set' : 'set'} ${key}=true in your global git config, so git tells us which repository it is for`)
  }
  return lines
}
