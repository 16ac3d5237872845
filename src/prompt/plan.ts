// What the prompt will ask, worked out before asking (pure): why we ask,
// where to create a token, and the scopes the user may remember it for.
import { tokenLinks } from '../core/token-links.js'
import type { Credential } from '../core/protocol.js'
import { formatScope, targetOf, type Scope } from '../core/scope.js'
import type { Candidate } from '../core/select.js'
import { CONVENTIONS, defaultTokenName, type Provider } from '../core/providers.js'
import { keptUsername } from '../core/token-like-username.js'
import type { Choice } from '../state/pending.js'
import { day } from '../core/expiry.js'
import type { TokenRecord } from '../state/tokens.js'

/** Everything the questions need, worked out before asking (pure). */
export interface Plan {
  url: string
  base: Scope
  provider: Provider
  /** Username git sent, or the forge's convention; undefined = ask. */
  username?: string
  /** The name the token page is prefilled with: the renewed token's, or the default choice's. */
  name: string
  /** An expired or rejected keychain token of this URL that a new secret renews in place. */
  renew?: { name: string; scope: string }
  link?: string
  extraLinks: string[]
  reasons: string[]
  /**
   * The same without the expired, rejected and disabled tokens, which get
   * has just named on stderr with their fix (git/skipped.ts): for a terminal
   * that shows both, so each reason is said once.
   */
  reasonsAfterNotes: string[]
  /** `name`: what the token is saved as (made unique then), the renewed token's name for its scope. */
  choices: Array<{ choice: Choice; label: string; scope?: string; name?: string }>
  defaultChoice: Choice
  /** The daemon can hold a session-only token. */
  session: boolean
}

/**
 * Why we are asking, best candidate first, then the likely causes
 * (explain.ts likelyCauses: a scope for https only, useHttpPath off).
 */
export function reasons(found: readonly Candidate[], url: string, causes: readonly string[] = [], namedAbove = false): string[] {
  const out: string[] = []
  let skipped = 0
  for (const c of found.slice(0, 3)) {
    const t = c.token
    if (namedAbove && c.unusable !== undefined) skipped++
    else if (c.unusable === 'expired') out.push(`token '${t.name}' expired on ${day(t.expires!)}`)
    else if (c.unusable === 'rejected')
      out.push(`token '${t.name}' was rejected by the server on ${t.rejected ? `${day(t.rejected.at)} (${t.rejected.url})` : 'an earlier request'}`)
    else if (c.unusable === 'disabled') out.push(`token '${t.name}' is disabled (git-credential-pat enable ${t.name})`)
    else if (t.awaitingSecret) out.push(`token '${t.name}' awaits its secret (imported without one)`)
    else out.push(`token '${t.name}' could not be read`)
  }
  const lines = [...out, ...causes.slice(0, 3).map(c => `likely cause: ${c}`)].map(r => `  ${r}`)
  const head = out.length || skipped ? `no usable token for ${url}` : `no token for ${url}`
  return [`${head}${skipped ? ' (see above)' : ''}${lines.length ? ':' : ''}`, ...lines]
}

/**
 * The token a new secret renews: the best expired, rejected or awaiting one, when its
 * secret is ours to replace (keychain). Renewing keeps its name and scope,
 * so the old one stops warning on every fetch.
 */
export function renewable(found: readonly Candidate[]): Candidate | undefined {
  const c = found.find(mayRenew)
  return c && c.token.source === 'keychain' ? c : undefined
}

/** Expired, rejected, or recorded without its secret (import's "awaiting secret"): a new secret renews it. */
export const mayRenew = (c: Candidate): boolean => c.unusable === 'expired' || c.unusable === 'rejected' || (!c.unusable && !!c.token.awaitingSecret)

/** The scope a choice stands for, or null if it needs a path git did not send. */
export function scopeFor(choice: Choice, base: Scope): Scope | null {
  if (choice === 'host') return { ...base, path: [], wildcard: false }
  if (choice === 'repo') return base.path.length ? { ...base, wildcard: false } : null
  if (choice === 'group') return base.path.length >= 2 ? { ...base, path: base.path.slice(0, -1), wildcard: true } : null
  return null
}

export interface PlanOptions {
  provider: Provider
  machine: string
  session: boolean
  /** Likely causes to name (explain.ts likelyCauses). */
  causes?: readonly string[]
}

export function makePlan(cred: Credential, found: readonly Candidate[], opts: PlanOptions): Plan | null {
  const target = targetOf(cred)
  if (!target?.host || !target.protocol || target.path === null) return null
  const protocol = target.protocol === 'http' ? 'http' : 'https'
  const base: Scope = { protocol, host: target.host, port: target.port, path: target.path ?? [], wildcard: false }
  const url = `${protocol}://${cred.host}${cred.path ? '/' + cred.path : ''}`
  const conv = CONVENTIONS[opts.provider]
  const renew = renewable(found)?.token
  const choices = scopeChoices(base, opts.machine, renew)
  // Repository and project tokens are the norm on Bitbucket and Launchpad.
  const usual: Choice = ['bitbucket', 'launchpad'].includes(opts.provider) && base.path.length ? 'repo' : 'host'
  const defaultChoice = (renew && choices.find(c => c.scope === renew.scope)?.choice) || usual
  const name = choices.find(c => c.choice === defaultChoice)!.name!
  const { link, extra: extraLinks } = tokenLinks(opts.provider, protocol, cred.host!, name, base.path)
  // A session token covers what the default choice would (the daemon holds it).
  const sessionScope = choices.find(c => c.choice === defaultChoice)?.scope
  choices.push({
    choice: 'session',
    label: opts.session ? 'this session only' : 'this session only (no daemon: not remembered)',
    scope: opts.session ? sessionScope : undefined,
  })
  choices.push({ choice: 'none', label: 'not at all' })
  return {
    url,
    base,
    provider: opts.provider,
    // Renewing keeps the username the token was sent with.
    // A token given as the URL's user is never kept as the username (core/token-like-username.ts).
    username: keptUsername(cred.username, () => opts.provider).username ?? renew?.username ?? conv.username,
    name,
    renew: renew && { name: renew.name, scope: renew.scope },
    link,
    extraLinks,
    reasons: reasons(found, url, opts.causes),
    reasonsAfterNotes: reasons(found, url, opts.causes, true),
    choices,
    defaultChoice,
    session: opts.session,
  }
}

/**
 * The scopes to remember a token for, each with the name it is saved as:
 * as `add` names it (the scope's path, core/providers.ts), or the renewed
 * token's own name for its scope, which is offered even when it is none of
 * repository, group or host (a parent group).
 */
function scopeChoices(base: Scope, machine: string, renew: TokenRecord | undefined): Plan['choices'] {
  const choices: Plan['choices'] = []
  for (const [choice, label] of [
    ['repo', 'this repository'],
    ['group', 'the group'],
    ['host', 'the whole host'],
  ] as const) {
    const s = scopeFor(choice, base)
    if (s) choices.push({ choice, label, scope: formatScope(s), name: defaultTokenName(s.host, machine, s.path) })
  }
  if (!renew) return choices
  const same = choices.find(c => c.scope === renew.scope)
  if (same) Object.assign(same, { label: `${same.label} (renews '${renew.name}')`, name: renew.name })
  else choices.unshift({ choice: 'renew', label: `renew '${renew.name}'`, scope: renew.scope, name: renew.name })
  return choices
}

const WORDS: Record<string, Choice> = {
  repo: 'repo',
  repository: 'repo',
  group: 'group',
  host: 'host',
  session: 'session',
  none: 'none',
  no: 'none',
  not: 'none',
  never: 'none',
  renew: 'renew',
}

/** An answer to "remember?": a number from the menu or a word; undefined if neither. */
export function parseChoice(answer: string, plan: Plan): Choice | undefined {
  const a = answer.trim().toLowerCase()
  if (a === '') return plan.defaultChoice
  if (/^\d+$/.test(a)) return plan.choices[Number(a) - 1]?.choice
  const word = WORDS[a.split(/\s+/).find(w => WORDS[w]) ?? a]
  return plan.choices.some(c => c.choice === word) ? word : undefined
}
