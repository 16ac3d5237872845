// doctor: git must send the repository path to hosts with tokens scoped to
// a repository or group, or those tokens never match.
import type { TokenRecord } from '../../state/tokens.js'
import { scopeOf } from '../../core/select.js'
import { originOf } from '../../core/scope.js'
import { configGetUrlmatch } from '../../gitconfig/run.js'
import { parseBool } from '../../gitconfig/settings.js'
import { check, type Check } from './check.js'
import { originsOf } from './origins.js'

export function checkUseHttpPath(tokens: TokenRecord[], env: NodeJS.ProcessEnv): Check {
  const origins = originsOf(tokens, (_, pathScoped) => pathScoped)
  const missing = origins.filter(o => !parseBool(configGetUrlmatch('credential.useHttpPath', o, env)))
  if (!missing.length) {
    return check('use-http-path', 'ok', origins.length ? `git sends the repository path to ${origins.join(', ')}` : 'no tokens scoped to a repository or group')
  }
  return check(
    'use-http-path',
    'fail',
    `git does not send the repository path to ${missing.join(', ')}, so tokens scoped to a repository or group there are never used`,
    missing.map(
      o =>
        `${o}: ${tokens
          .filter(t => scopeOf(t) && originOf(scopeOf(t)!) === o && scopeOf(t)!.path.length)
          .map(t => t.name)
          .join(', ')}`,
    ),
    [...missing.map(o => `git config --global credential.${o}.useHttpPath true`), 'or: git-credential-pat setup'],
  )
}
