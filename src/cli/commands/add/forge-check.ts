// add asks the forge about the token before saving it,
// as `check` does afterwards: what it learns (expiry, scopes, login) is
// recorded, a token the forge refuses is not saved (unless --force), and
// an unreachable forge only warns. Bounded as `check` is (forge/timeouts.ts).
import { PatError } from '../../../errors.js'
import type { TokenRecord } from '../../../state/tokens.js'
import { hasTokenApi } from '../../../forge/api.js'
import { askForge } from '../../../forge/ask.js'
import { recordReport } from '../../../forge/record.js'
import { DEAD, type ForgeReport } from '../../../forge/report.js'
import { checkTimeoutMs } from '../../../forge/timeouts.js'
import { repoAccessWarning } from '../../../forge/repo-access.js'
import { say } from '../../../log/stderr.js'
import { day } from '../../../core/expiry.js'

export interface AddCheckOptions {
  /** --check (true), --no-check (false), or neither. */
  check?: boolean
  force?: boolean
  env: NodeJS.ProcessEnv
  now: Date
  /** The expiry --expires gave (ISO or null), if it was given: the forge's own overrides it, and that is said. */
  asked?: string | null
  /** What a refusal leaves: add saves nothing, rotate changes nothing. */
  nothing?: 'saved' | 'changed'
}

/**
 * Whether add asks the forge: not with --no-check, nor for a forge without a
 * token API; by default unless GIT_CREDENTIAL_PAT_ADD_CHECK=0 (the test
 * sandboxes, which must not reach real forges).
 */
export function wantsCheck(t: Pick<TokenRecord, 'provider'>, o: Pick<AddCheckOptions, 'check' | 'env'>): boolean {
  if (o.check === false || !hasTokenApi(t)) return false
  return o.check === true || o.env.GIT_CREDENTIAL_PAT_ADD_CHECK !== '0'
}

/**
 * Ask the forge about `t` (not yet saved) with its secret; what it learns is
 * written on `t`. Returns the line add prints; throws when the forge refuses
 * the token and --force was not given.
 */
export async function checkBeforeSaving(t: TokenRecord, secret: string, o: AddCheckOptions): Promise<string | undefined> {
  if (!wantsCheck(t, o)) {
    return o.check && !hasTokenApi(t) ? `not checked: the forge does not say (${t.provider} has no token API we ask)` : undefined
  }
  const r = await askForge(t, secret, { env: o.env, timeoutMs: checkTimeoutMs(o.env), details: true, now: o.now })
  return judge(t, r, o)
}

/**
 * What the forge's report means for a token about to be saved: written on
 * `t` unless the forge could not say; the line to print; throws when the
 * forge refuses the token and --force was not given.
 */
export function judge(t: TokenRecord, r: ForgeReport, o: AddCheckOptions): string | undefined {
  if (DEAD.includes(r.verdict)) {
    if (!o.force) throw new PatError('INPUT', `${r.message}; nothing was ${o.nothing ?? 'saved'} (was the whole token pasted? --force saves it anyway)`)
    recordReport(t, r, o.now)
    say(`warning: ${r.message}; saved anyway (--force)`)
    return undefined
  }
  if (r.verdict === 'unreachable') {
    say(`warning: the token was not checked: ${r.message}; saved anyway (git-credential-pat check ${t.name} tries again)`)
    return undefined
  }
  if (r.verdict === 'unknown') {
    say(`warning: the token was not checked: ${r.message}`)
    return undefined
  }
  recordReport(t, r, o.now)
  const overridden = expiryOverride(o.asked, t.expires)
  if (overridden) say(overridden)
  const warning = repoAccessWarning(t.provider, r.scopes, t.access)
  if (warning) say(`warning: ${warning}`)
  const scopes = r.scopes ? `; scopes ${r.scopes.join(', ') || 'none'}` : ''
  return `checked: ${r.message}${scopes}`
}

/** The line for an --expires the forge contradicts, or undefined (none given, or the same day). */
export function expiryOverride(asked: string | null | undefined, forge: string | null): string | undefined {
  if (asked === undefined || asked === null || day(asked) === (forge && day(forge))) return undefined
  const said = forge ? `expires on ${day(forge)}` : 'does not expire'
  return `note: the forge says the token ${said}, not ${day(asked)} as --expires said; recorded ${forge ? day(forge) : 'no expiry'}`
}
