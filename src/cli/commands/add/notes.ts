// What add says around saving a token: where to create it and what git
// will do with it (the git config it needs: gitconfig/use-http-path.ts).
import type { ParsedScope } from '../../../core/scope.js'
import type { Provider } from '../../../core/providers.js'
import { tokenLinks } from '../../../core/token-links.js'
import { git } from '../../../gitconfig/run.js'

/** The lines that say where to create the token (none for a forge without a token page). */
export function linkLines(provider: Provider, s: ParsedScope, name: string): string[] {
  const host = `${s.host}${s.port === undefined ? '' : `:${s.port}`}`
  const { link, extra } = tokenLinks(provider, s.protocol, host, name, s.path)
  if (!link && !extra.length) return []
  return [`create the token at: ${link ?? extra[0]}`, ...(link ? extra.map(e => `  or ${e}`) : [])]
}

/** git's version as [major, minor], or null if it cannot be read. */
export function gitVersion(env: NodeJS.ProcessEnv): [number, number] | null {
  try {
    const m = /git version (\d+)\.(\d+)/.exec(git(['--version'], env).stdout)
    return m ? [Number(m[1]), Number(m[2])] : null
  } catch {
    return null
  }
}

/**
 * --auth bearer needs git ≥ 2.46, the first to send capability[]=authtype
 * and take `credential` + `authtype` back (git-credential(1)); older git
 * gets the token as a password and sends it as Basic.
 */
export function bearerWarning(version: [number, number] | null): string | undefined {
  if (!version) return undefined
  const [major, minor] = version
  if (major > 2 || (major === 2 && minor >= 46)) return undefined
  return `warning: git ${major}.${minor} cannot send a Bearer token (capability[]=authtype came in git 2.46): until git is upgraded it sends this one as Basic`
}
