// git sends the repository path to helpers only with credential.useHttpPath
// (gitcredentials(7)); a token scoped to a group or repository needs it for
// its origin. add, edit, setup and import set it, all through this.
import { originOf, parseScope } from '../core/scope.js'
import { configSet, git } from './run.js'

/**
 * Set credential.<origin>.useHttpPath=true in the global config where a path
 * scope needs it and the global config does not say so already (for that
 * origin, or for every URL). A repository's own config does not count: the
 * token serves every repository. Returns the lines saying what it set.
 */
export function ensureUseHttpPath(scopes: readonly string[], env: NodeJS.ProcessEnv = process.env, dryRun = false): string[] {
  const origins = new Set<string>()
  for (const text of scopes) {
    const s = parseScope(text)
    if (s.path.length) origins.add(originOf(s))
  }
  const lines: string[] = []
  for (const origin of [...origins].sort()) {
    const now = git(['config', '--global', '--type=bool', '--get-urlmatch', 'credential.useHttpPath', origin], env)
    if (now.status === 0 && now.stdout.trim() === 'true') continue
    const key = `credential.${origin}.useHttpPath`
    if (!dryRun) configSet(key, 'true', '--global', env)
    lines.push(`${dryRun ? 'would set' : 'set'} ${key}=true in your global git config, so git tells us which repository it is for`)
  }
  return lines
}
