// The prompt (docs/git-credential-pat.md, "The git side"). When `get` has nothing usable it asks, on the
// terminal or through askpass as git does (channel.ts), for the token, its
// expiry and where to remember it (ask.ts), and answers git with it. What
// was typed stays pending (pending.ts) until git says it worked (`store`:
// saved as chosen) or not (`erase`: dropped). Loaded by get.ts only when a
// prompt may happen.
import { hostname } from 'node:os'
import type { Credential } from '../core/protocol.js'
import { formatCredential } from '../core/protocol.js'
import { targetOf } from '../core/scope.js'
import type { Candidate } from '../core/select.js'
import { guessProvider, isProvider, type Provider } from '../core/providers.js'
import { statePaths } from '../state/paths.js'
import { addPending, sweep, type PendingEntry } from '../state/pending.js'
import { credentialSetting } from '../gitconfig/settings.js'
import { Cancelled } from './tty.js'
import { say } from '../log/stderr.js'
import { openIo, type Io } from './channel.js'
import { makePlan, mayRenew, renewable, type Plan } from './plan.js'
import { askQuestions, type Answers } from './ask.js'
import { likelyCauses } from '../core/explain.js'
import { readTokensFor } from '../state/tokens.js'

export interface PromptDeps {
  env: NodeJS.ProcessEnv
  now: Date
  /** Replaces the terminal/askpass (tests). */
  io?: Io
}

/** The `get` fallback: ask, hold the answer as pending, answer git. '' = nothing to say. */
export async function promptForToken(cred: Credential, found: readonly Candidate[], deps: PromptDeps): Promise<string> {
  const { env, now } = deps
  const dir = statePaths(env).pending
  sweep(dir, now)
  if (!cred.protocol || !cred.host) return ''
  const url = `${cred.protocol}://${cred.host}/${cred.path ?? ''}`
  const io = deps.io ?? openIo(url, env)
  if (!io) return ''
  const provider = promptProvider(credentialSetting('patProvider', url, env), found, targetOf(cred)?.host ?? cred.host)
  const session = (await (await import('../state/secrets.js')).daemonMode(env)) !== 'never'
  const plan = makePlan(cred, found, { provider, machine: hostname(), session, causes: causesFor(cred, env, now) })
  if (!plan) {
    io.close()
    return ''
  }
  const answers = await ask(plan, io, now)
  if (typeof answers === 'string') return answers
  try {
    addPending(dir, pendingEntry(cred, found, plan, answers, now), now)
  } catch (e) {
    say(`cannot hold the token until git confirms it (${(e as Error).message}); it will not be remembered by the prompt`)
  }
  if (answers.choice === 'session' && !plan.session) say('no daemon running: the token is used for this command only')
  return formatCredential([
    ['username', answers.username],
    ['password', answers.secret],
    ['password_expiry_utc', answers.expires ? Math.floor(Date.parse(answers.expires) / 1000) : undefined],
  ])
}

/**
 * The forge whose conventions the prompt follows: git config
 * credential.<url>.patProvider, else the provider recorded on the token a
 * new secret renews (add may have learned it from the forge) or on another
 * token of this URL, else a guess from the host name.
 */
export function promptProvider(configured: string | undefined, found: readonly Candidate[], host: string): Provider {
  if (configured && isProvider(configured)) return configured
  const recorded = [renewable(found)?.token, ...found.map(c => c.token)].find(t => t && t.provider !== 'generic' && isProvider(t.provider))
  return recorded ? (recorded.provider as Provider) : guessProvider(host)
}

/** The answers, or what to tell git when there are none. */
async function ask(plan: Plan, io: Io, now: Date): Promise<Answers | string> {
  let answers: Answers | null | 'silent'
  try {
    answers = await askQuestions(plan, io, now)
  } catch (e) {
    if (e instanceof Cancelled) {
      say('cancelled; nothing was saved')
      return 'quit=1\n' // the user asked git to stop, not to ask again
    }
    say(`${(e as Error).message}; not asking`)
    return ''
  } finally {
    io.close()
  }
  if (answers === 'silent') return ''
  if (!answers) {
    say('no token given; nothing was saved')
    return ''
  }
  return answers
}

/** What waits for git's verdict: the answers and where they came from. */
function pendingEntry(cred: Credential, found: readonly Candidate[], plan: Plan, answers: Answers, now: Date): PendingEntry {
  return {
    created: now.toISOString(),
    protocol: cred.protocol!,
    host: cred.host!,
    path: cred.path,
    username: answers.username,
    password: answers.secret,
    choice: answers.choice,
    scope: answers.scope,
    expires: answers.expires,
    provider: plan.provider,
    name: plan.choices.find(c => c.choice === answers.choice)?.name ?? plan.name,
    replaces: renews(found, answers),
    url: plan.url,
  }
}

/** Tokens of the host that miss this URL only by protocol or by the path git did not send. */
function causesFor(cred: Credential, env: NodeJS.ProcessEnv, now: Date): string[] {
  const host = targetOf(cred)?.host
  if (!host || (cred.protocol !== 'http' && cred.protocol !== 'https')) return []
  try {
    const tokens = readTokensFor(statePaths(env).metadata, host)
    const url = `${cred.protocol}://${cred.host}${cred.path ? '/' + cred.path : ''}`
    return likelyCauses(tokens, { protocol: cred.protocol, host: cred.host!, path: cred.path, username: cred.username, url }, now)
  } catch {
    return [] // only a hint: the prompt goes on without it
  }
}

/** An expired, rejected or awaiting token with the chosen scope and user: the new secret renews it. */
function renews(found: readonly Candidate[], a: Answers): string | undefined {
  return found.find(c => mayRenew(c) && c.token.scope === a.scope && c.token.username === a.username)?.token.name
}
