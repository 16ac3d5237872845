// What the prompt will ask, worked out before asking (pure): why we ask,
// where to create a token, and the scopes the user may remember it for.
import type { Credential } from '../core/protocol.js'
import { formatScope, targetOf, type Scope } from '../core/scope.js'
import type { Candidate } from '../core/select.js'
import { CONVENTIONS, defaultTokenName, type Provider } from '../core/providers.js'
import type { Choice } from '../state/pending.js'
import { day } from '../core/expiry.js'

/** Everything the questions need, worked out before asking (pure). */
export interface Plan {
  url: string
  base: Scope
  provider: Provider
  /** Username git sent, or the forge's convention; undefined = ask. */
  username?: string
  name: string
  link?: string
  extraLinks: string[]
  reasons: string[]
  choices: Array<{ choice: Choice; label: string; scope?: string }>
  defaultChoice: Choice
  /** The daemon can hold a session-only token. */
  session: boolean
}

/** The day of an ISO time, as the prompt shows it. */

/** Why we are asking, best candidate first. */
export function reasons(found: readonly Candidate[], url: string): string[] {
  const out: string[] = []
  for (const c of found.slice(0, 3)) {
    const t = c.token
    if (c.unusable === 'expired') out.push(`token '${t.name}' expired on ${day(t.expires!)}`)
    else if (c.unusable === 'rejected')
      out.push(`token '${t.name}' was rejected by the server on ${t.rejected ? `${day(t.rejected.at)} (${t.rejected.url})` : 'an earlier request'}`)
    else if (c.unusable === 'disabled') out.push(`token '${t.name}' is disabled (git-credential-pat enable ${t.name})`)
    else out.push(`token '${t.name}' could not be read`)
  }
  return out.length ? [`no usable token for ${url}:`, ...out.map(r => `  ${r}`)] : [`no token for ${url}`]
}

/** The scope a choice stands for, or null if it needs a path git did not send. */
export function scopeFor(choice: Choice, base: Scope): Scope | null {
  if (choice === 'host') return { ...base, path: [], wildcard: false }
  if (choice === 'repo') return base.path.length ? { ...base, wildcard: false } : null
  if (choice === 'group') return base.path.length >= 2 ? { ...base, path: base.path.slice(0, -1), wildcard: true } : null
  return null
}

export function makePlan(cred: Credential, found: readonly Candidate[], opts: { provider: Provider; machine: string; session: boolean }): Plan | null {
  const target = targetOf(cred)
  if (!target?.host || !target.protocol || target.path === null) return null
  const protocol = target.protocol === 'http' ? 'http' : 'https'
  const base: Scope = { protocol, host: target.host, port: target.port, path: target.path ?? [], wildcard: false }
  const url = `${protocol}://${cred.host}${cred.path ? '/' + cred.path : ''}`
  const conv = CONVENTIONS[opts.provider]
  const name = defaultTokenName(target.host, opts.machine)
  const web = (u: string | undefined) => (u && protocol === 'http' ? u.replace(/^https:/, 'http:') : u)
  const link = web(conv.tokenPage?.(cred.host!, name, base.path))
  const extraLinks = opts.provider === 'github' ? [`fine-grained: ${web(`https://${cred.host}/settings/personal-access-tokens/new`)}`] : []
  // Repository and project tokens are the norm on Bitbucket and Launchpad.
  const defaultChoice: Choice = ['bitbucket', 'launchpad'].includes(opts.provider) && base.path.length ? 'repo' : 'host'
  const choices: Plan['choices'] = []
  for (const [choice, label] of [
    ['repo', 'this repository'],
    ['group', 'the group'],
    ['host', 'the whole host'],
  ] as const) {
    const s = scopeFor(choice, base)
    if (s) choices.push({ choice, label, scope: formatScope(s) })
  }
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
    username: cred.username ?? conv.username,
    name,
    link,
    extraLinks,
    reasons: reasons(found, url),
    choices,
    defaultChoice,
    session: opts.session,
  }
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
}

/** An answer to "remember?": a number from the menu or a word; undefined if neither. */
export function parseChoice(answer: string, plan: Plan): Choice | undefined {
  const a = answer.trim().toLowerCase()
  if (a === '') return plan.defaultChoice
  if (/^\d+$/.test(a)) return plan.choices[Number(a) - 1]?.choice
  const word = WORDS[a.split(/\s+/).find(w => WORDS[w]) ?? a]
  return plan.choices.some(c => c.choice === word) ? word : undefined
}
