// The prompt (SPEC §7). When `get` has nothing usable it asks, on the
// terminal or through askpass as git does, for the token, its expiry and
// where to remember it, and answers git with it. What was typed stays
// pending (pending.ts) until git says it worked (`store`: saved as chosen)
// or not (`erase`: dropped). Loaded by get.ts only when a prompt may happen.
//
// When we ask, following git's own order (prompt.c): GIT_ASKPASS,
// core.askPass, SSH_ASKPASS, then /dev/tty. GIT_TERMINAL_PROMPT=0 forbids the
// terminal but, as in git, not askpass. Never with credential.interactive
// false/never, nor in CI (CI set) without askpass, nor without a terminal.
import { spawnSync } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { hostname } from 'node:os'
import type { Credential } from '../core/protocol.js'
import { formatCredential } from '../core/protocol.js'
import { formatScope, targetOf, type Scope } from '../core/scope.js'
import type { Candidate } from '../core/select.js'
import { CONVENTIONS, defaultTokenName, guessProvider, isProvider, type Provider } from '../core/providers.js'
import { parseExpires } from '../core/expiry.js'
import { statePaths } from '../state/paths.js'
import { addPending, sweep, type Choice, type PendingEntry } from '../state/pending.js'
import { credentialSetting, parseBool, setting } from '../gitconfig/settings.js'
import { Cancelled, openTerminal } from './tty.js'
import { say, writeErr } from '../log/stderr.js'

export type Mode = { kind: 'askpass'; command: string } | { kind: 'tty' }

export interface ModeInputs {
  env: NodeJS.ProcessEnv
  /** credential.interactive for the URL (git config, url-matched). */
  interactive: () => string | undefined
  /** core.askPass. */
  askPass: () => string | undefined
  /** Whether /dev/tty can be opened. */
  hasTty: () => boolean
}

/** Whether and how we may ask; null = stay silent so git falls through. */
export function promptMode(i: ModeInputs): Mode | null {
  const interactive = i.interactive()
  if (interactive !== undefined && (interactive.trim().toLowerCase() === 'never' || parseBool(interactive) === false)) return null
  // git's prompt.c: the first of these that is set wins, even if empty.
  const askpass = i.env.GIT_ASKPASS ?? i.askPass() ?? i.env.SSH_ASKPASS
  if (askpass) return { kind: 'askpass', command: askpass }
  if (parseBool(i.env.GIT_TERMINAL_PROMPT) === false) return null
  if (i.env.CI !== undefined && i.env.CI !== '' && parseBool(i.env.CI) !== false) return null
  return i.hasTty() ? { kind: 'tty' } : null
}

function canOpenTty(): boolean {
  try {
    closeSync(openSync('/dev/tty', 'r+'))
    return true
  } catch {
    return false
  }
}

/** How questions reach the user: a terminal, askpass, or a fake in tests. */
export interface Io {
  kind: 'tty' | 'askpass'
  /** Text for the user (terminal; stderr under askpass). */
  info(text: string): void
  ask(question: string, hidden: boolean): Promise<string>
  /**
   * askpass only: a question whose answer shows whether the program
   * understands us at all; its stderr is held back, a failure is undefined.
   */
  probe?(question: string): Promise<string | undefined>
  close(): void
}

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

export interface Answers {
  username: string
  secret: string
  expires: string | null
  choice: Choice
  scope?: string
}

const day = (iso: string) => iso.slice(0, 10)

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

const TRIES = 3

/**
 * Ask the questions. Returns null when the user gives no token, 'silent'
 * when an askpass program does not take part (git then asks in its own
 * way); throws Cancelled on Ctrl-C / a cancelled askpass.
 */
export async function askQuestions(plan: Plan, io: Io, now: Date): Promise<Answers | null | 'silent'> {
  if (io.kind === 'askpass') {
    // An askpass program may only know git's own Username/Password questions
    // (git's test suite answers everything with a fixed word): unless it
    // answers this one sensibly, say nothing and leave the asking to git.
    const [head, ...more] = plan.reasons.map(r => r.trim())
    const why = more.length ? `${head} ${more.join('; ')}` : head
    const where = plan.link ? ` Create one at ${plan.link}` : ''
    const a = await io.probe?.(`git-credential-pat: ${why}.${where} Enter a token for it now? [Y/n]: `)
    const yes = a?.trim().toLowerCase()
    if (yes === 'n' || yes === 'no') return null
    if (yes !== '' && yes !== 'y' && yes !== 'yes') return 'silent'
  } else {
    const intro = [`git-credential-pat: ${plan.reasons.join('\n')}`]
    if (plan.link) intro.push(`  Create a token (name and scopes filled in):`, `  ${plan.link}`, ...plan.extraLinks.map(l => `  ${l}`))
    io.info(intro.join('\n'))
  }

  let username = plan.username
  for (let i = 0; !username && i < TRIES; i++) {
    username = (await io.ask(`Username for '${plan.url}': `, false)).trim()
  }
  if (!username) return null

  const linkHint = io.kind === 'askpass' && plan.link ? ` (create one at ${plan.link})` : ''
  let secret = ''
  for (let i = 0; i < TRIES; i++) {
    secret = (await io.ask(`Token for '${plan.url}'${linkHint}${io.kind === 'tty' ? ' (input hidden)' : ''}: `, true)).trim()
    if (secret === '') return null
    if (!/[\s\x00-\x1f\x7f]/.test(secret)) break
    io.info('that token contains spaces or control characters; paste it again')
    secret = ''
  }
  if (!secret) return null

  let expires: string | null = null
  for (let i = 0; ; i++) {
    const text = await io.ask(`Expires on (2027-01-31, 90d, 12w, 6m, 1y; empty = unknown): `, false)
    try {
      expires = parseExpires(text, now)
      if (expires && Date.parse(expires) <= now.getTime()) throw new Error(`${day(expires)} is in the past`)
      break
    } catch (e) {
      if (i + 1 >= TRIES) {
        io.info('expiry left unknown')
        expires = null
        break
      }
      io.info(`${(e as Error).message.replace(/^--expires /, '')}; try again`)
    }
  }

  const width = io.kind === 'tty' ? Math.max(...plan.choices.filter(c => c.scope).map(c => c.label.length + 1)) : 0
  const menu = plan.choices.map((c, i) => `${i + 1}) ${c.scope ? `${c.label.padEnd(width)} ${c.scope}` : c.label}`)
  const def = plan.choices.findIndex(c => c.choice === plan.defaultChoice) + 1
  let question: string
  if (io.kind === 'tty') {
    io.info(`Remember this token for:\n${menu.map(m => `  ${m}`).join('\n')}`)
    question = `Remember [${def}]: `
  } else {
    question = `Remember this token for: ${menu.join(', ')} [${def}]: `
  }
  let choice: Choice | undefined
  for (let i = 0; choice === undefined && i < TRIES; i++) {
    choice = parseChoice(await io.ask(question, false), plan)
    if (choice === undefined) io.info(`answer 1-${plan.choices.length}`)
  }
  choice ??= 'none'
  return { username, secret, expires, choice, scope: plan.choices.find(c => c.choice === choice)?.scope }
}

function ttyIo(): Io | null {
  const t = openTerminal()
  if (!t) return null
  return {
    kind: 'tty',
    info: text => t.write(text + '\n'),
    ask: (q, hidden) => t.ask(q, { hidden }),
    close: () => t.close(),
  }
}

/** One askpass run per question: the question is argv[1], the answer its first line. */
export function askpassIo(command: string, env: NodeJS.ProcessEnv): Io {
  return {
    kind: 'askpass',
    info: text => writeErr(text + '\n'),
    async ask(question) {
      const r = spawnSync(command, [question], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      if (r.error) throw new Error(`cannot run askpass '${command}': ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`)
      if (r.status !== 0) throw new Cancelled()
      return r.stdout.split(/\r?\n/, 1)[0]
    },
    async probe(question) {
      const r = spawnSync(command, [question], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      if (r.error || r.status !== 0) return undefined
      const answer = r.stdout.split(/\r?\n/, 1)[0]
      if (/^\s*(y|yes|n|no)?\s*$/i.test(answer) && r.stderr) writeErr(r.stderr)
      return answer
    },
    close() {},
  }
}

export interface PromptDeps {
  env?: NodeJS.ProcessEnv
  now?: Date
  /** Replaces the terminal/askpass (tests). */
  io?: Io
}

/** The `get` fallback: ask, hold the answer as pending, answer git. '' = nothing to say. */
export async function promptForToken(cred: Credential, found: readonly Candidate[], deps: PromptDeps = {}): Promise<string> {
  const env = deps.env ?? process.env
  const now = deps.now ?? new Date()
  const dir = statePaths(env).pending
  sweep(dir, now)
  if (!cred.protocol || !cred.host) return ''
  const url = `${cred.protocol}://${cred.host}/${cred.path ?? ''}`
  let io = deps.io ?? null
  if (!io) {
    const mode = promptMode({
      env,
      interactive: () => credentialSetting('interactive', url, env),
      askPass: () => setting('core.askPass', env),
      hasTty: canOpenTty,
    })
    if (!mode) return ''
    io = mode.kind === 'askpass' ? askpassIo(mode.command, env) : ttyIo()
    if (!io) return ''
  }
  const configured = credentialSetting('patProvider', url, env)
  const provider: Provider = configured && isProvider(configured) ? configured : guessProvider(targetOf(cred)?.host ?? cred.host)
  const session = (await (await import('../state/secrets.js')).daemonMode(env)) !== 'never'
  const plan = makePlan(cred, found, { provider, machine: hostname(), session })
  if (!plan) {
    io.close()
    return ''
  }
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
  const entry: PendingEntry = {
    created: now.toISOString(),
    protocol: cred.protocol,
    host: cred.host,
    path: cred.path,
    username: answers.username,
    password: answers.secret,
    choice: answers.choice,
    scope: answers.scope,
    expires: answers.expires,
    provider,
    name: plan.name,
    replaces: renews(found, answers),
    url: plan.url,
  }
  try {
    addPending(dir, entry, now)
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

/** An expired or rejected token with the chosen scope and user: the new secret renews it. */
function renews(found: readonly Candidate[], a: Answers): string | undefined {
  return found.find(c => (c.unusable === 'expired' || c.unusable === 'rejected') && c.token.scope === a.scope && c.token.username === a.username)?.token.name
}
