// The origins (scheme://host) the tokens are for: what the git config checks
// look up per host.
import type { TokenRecord } from '../../state/tokens.js'
import { scopeOf } from '../../core/select.js'
import { originOf } from '../../core/scope.js'

export function originsOf(tokens: TokenRecord[], want: (t: TokenRecord, pathScoped: boolean) => boolean): string[] {
  const set = new Set<string>()
  for (const t of tokens) {
    const s = scopeOf(t)
    if (s && want(t, s.path.length > 0)) set.add(originOf(s))
  }
  return [...set].sort()
}
