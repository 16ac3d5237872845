// git sends the repository path to helpers only with credential.useHttpPath
// (gitcredentials(7)); a token scoped to a group or repository needs it for
// its origin. add and setup set it; import does the same for what it adds.
import { originOf, parseScope } from '../core/scope.js'
import { configGetUrlmatch, configSet } from './run.js'
import { parseBool } from './settings.js'

/** Set credential.<origin>.useHttpPath=true (global) where a path scope needs it and git does not already send it. Returns what it set. */
export function ensureUseHttpPath(scopes: readonly string[], env: NodeJS.ProcessEnv = process.env, dryRun = false): string[] {
  const origins = new Set<string>()
  for (const text of scopes) {
    const s = parseScope(text)
    if (s.path.length) origins.add(originOf(s))
  }
  const lines: string[] = []
  for (const origin of [...origins].sort()) {
    if (parseBool(configGetUrlmatch('credential.useHttpPath', origin, env))) continue
    const key = `credential.${origin}.useHttpPath`
    if (!dryRun) configSet(key, 'true', '--global', env)
    lines.push(`${dryRun ? 'would set' : 'set'} ${key}=true in your global git config, so git tells us which repository it is for`)
  }
  return lines
}
