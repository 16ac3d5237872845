// The questions: a token, its expiry and where to remember it,
// each asked again a few times on a bad answer.
import { parseExpires } from '../core/expiry.js'
import type { Choice } from '../state/pending.js'
import type { Io } from './channel.js'
import { parseChoice, type Plan } from './plan.js'
import { day } from '../core/expiry.js'
import { isatty } from 'node:tty'

export interface Answers {
  username: string
  secret: string
  expires: string | null
  choice: Choice
  scope?: string
}

const TRIES = 3

/**
 * Ask the questions. Returns null when the user gives no token, 'silent'
 * when an askpass program does not take part (git then asks in its own
 * way); throws Cancelled on Ctrl-C / a cancelled askpass.
 */
export async function askQuestions(plan: Plan, io: Io, now: Date): Promise<Answers | null | 'silent'> {
  const start = await introduce(plan, io)
  if (start !== 'go') return start
  const username = await askUsername(plan, io)
  if (!username) return null
  const secret = await askSecret(plan, io)
  if (!secret) return null
  const expires = await askExpiry(io, now)
  const choice = await askChoice(plan, io)
  return { username, secret, expires, choice, scope: plan.choices.find(c => c.choice === choice)?.scope }
}

/** Say why we ask; under askpass, first make sure the program takes part. */
async function introduce(plan: Plan, io: Io): Promise<'go' | null | 'silent'> {
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
    // get named the skipped tokens on stderr just above, when that is this terminal too.
    const intro = [`git-credential-pat: ${(isatty(2) ? plan.reasonsAfterNotes : plan.reasons).join('\n')}`]
    if (plan.link) intro.push(`  Create a token (name and scopes filled in):`, `  ${plan.link}`, ...plan.extraLinks.map(l => `  ${l}`))
    io.info(intro.join('\n'))
  }
  return 'go'
}

/** The username git sent or the forge's convention, else asked; '' = none given. */
async function askUsername(plan: Plan, io: Io): Promise<string> {
  let username = plan.username
  for (let i = 0; !username && i < TRIES; i++) {
    username = (await io.ask(`Username for '${plan.url}': `, false)).trim()
  }
  return username ?? ''
}

/** The token, hidden on a terminal; '' = none given. */
async function askSecret(plan: Plan, io: Io): Promise<string> {
  const linkHint = io.kind === 'askpass' && plan.link ? ` (create one at ${plan.link})` : ''
  for (let i = 0; i < TRIES; i++) {
    const secret = (await io.ask(`Token for '${plan.url}'${linkHint}${io.kind === 'tty' ? ' (input hidden)' : ''}: `, true)).trim()
    if (secret === '') return ''
    if (!/[\s\x00-\x1f\x7f]/.test(secret)) return secret
    io.info('that token contains spaces or control characters; paste it again')
  }
  return ''
}

/** The expiry date (ISO), or null when unknown or not given sensibly. */
async function askExpiry(io: Io, now: Date): Promise<string | null> {
  for (let i = 0; ; i++) {
    const text = await io.ask(`Expires on (2027-01-31, 90d, 12w, 6m, 1y; empty = unknown): `, false)
    try {
      const expires = parseExpires(text, now)
      if (expires && Date.parse(expires) <= now.getTime()) throw new Error(`${day(expires)} is in the past`)
      return expires
    } catch (e) {
      if (i + 1 >= TRIES) {
        io.info('expiry left unknown')
        return null
      }
      io.info(`${(e as Error).message.replace(/^--expires /, '')}; try again`)
    }
  }
}

/** Where to remember the token: the menu; 'none' after too many bad answers. */
async function askChoice(plan: Plan, io: Io): Promise<Choice> {
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
  return choice ?? 'none'
}
