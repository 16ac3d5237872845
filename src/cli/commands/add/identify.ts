// add on a host whose forge nobody named (no --provider, no git config
// credential.<url>.patProvider, a host name that says nothing): the forge is
// asked which it is (forge/identify.ts) under the same switches as add's
// check, its answer judged as the check's is, and the provider recorded so
// `check`, `rotate --api` and the renewal prompt use it.
import type { TokenRecord } from '../../../state/tokens.js'
import { originOf, parseScope } from '../../../core/scope.js'
import { CONVENTIONS, type Provider } from '../../../core/providers.js'
import { identifyForge, FORGE_NAMES } from '../../../forge/identify.js'
import { checkTimeoutMs } from '../../../forge/timeouts.js'
import { say } from '../../../log/stderr.js'
import { judge, type AddCheckOptions } from './forge-check.js'

/** Whether add asks the host which forge it is: as wantsCheck, for a provider that was only guessed as generic. */
export function wantsIdentify(provider: Provider, guessed: boolean, o: Pick<AddCheckOptions, 'check' | 'env'>): boolean {
  if (!guessed || provider !== 'generic' || o.check === false) return false
  return o.check === true || o.env.GIT_CREDENTIAL_PAT_ADD_CHECK !== '0'
}

export interface Identified {
  /** The lines add prints (what was found, what the forge said). */
  lines: string[]
  /** The username the forge's conventions or its answer give; undefined: ask. */
  username?: string
}

/** Identify the forge of `t` (not yet saved), set its provider, and judge the forge's answer; throws as the check does. */
export async function identifyOnAdd(t: TokenRecord, secret: string, o: AddCheckOptions): Promise<Identified> {
  const origin = originOf(parseScope(t.scope))
  const id = await identifyForge(t, origin, secret, { timeoutMs: checkTimeoutMs(o.env), now: o.now })
  if (id.kind === null) {
    if (id.unreachable) say(`warning: the token was not checked and its forge not identified: ${id.message}; saved for a generic forge (--provider sets one)`)
    return { lines: id.unreachable ? [] : [`${id.message}; saved for a generic forge (--provider sets one)`] }
  }
  t.provider = id.kind
  let found = `the forge at ${origin} answered as ${FORGE_NAMES[id.kind]}: provider ${id.kind} recorded`
  // check and rotate look for GitHub's API under /api/v3 on a host of its own.
  if (id.path === '/user') found += `; for check, run: git config --global credential.${origin}.patApiUrl ${origin}`
  const checked = judge(t, id.report, o)
  // Gitea and Forgejo take the account name, which the forge just gave.
  const username = CONVENTIONS[id.kind].username ?? (id.kind === 'gitea' ? t.checked?.login : undefined)
  return { lines: [found, ...(checked ? [checked] : [])], username }
}
