// How the prompt reaches the user: whether it may ask at all, and the
// terminal or askpass channel it asks through.
//
// When we ask, following git's own order (prompt.c): GIT_ASKPASS,
// core.askPass, SSH_ASKPASS, then /dev/tty. GIT_TERMINAL_PROMPT=0 forbids the
// terminal but, as in git, not askpass. Never with credential.interactive
// false/never, nor in CI (CI set) without askpass, nor without a terminal.
import { spawnSync } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { credentialSetting, parseBool, setting } from '../gitconfig/settings.js'
import { Cancelled, openTerminal } from './tty.js'
import { writeErr } from '../log/stderr.js'
import { printable } from '../core/terminal-text.js'

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

/** The channel to ask through for a URL, or null when we must stay silent (git falls through). */
export function openIo(url: string, env: NodeJS.ProcessEnv): Io | null {
  const mode = promptMode({
    env,
    interactive: () => credentialSetting('interactive', url, env),
    askPass: () => setting('core.askPass', env),
    hasTty: canOpenTty,
  })
  if (!mode) return null
  return mode.kind === 'askpass' ? askpassIo(mode.command, env) : ttyIo()
}

function ttyIo(): Io | null {
  const t = openTerminal()
  if (!t) return null
  return {
    kind: 'tty',
    // Questions and notes quote the URL, username and token names: outside text.
    info: text => t.write(printable(text, { lines: true }) + '\n'),
    ask: (q, hidden) => t.ask(printable(q), { hidden }),
    close: () => t.close(),
  }
}

/** One askpass run per question: the question is argv[1], the answer its first line. */
export function askpassIo(command: string, env: NodeJS.ProcessEnv): Io {
  return {
    kind: 'askpass',
    info: text => writeErr(printable(text, { lines: true }) + '\n'),
    async ask(question) {
      const r = spawnSync(command, [printable(question)], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      if (r.error) throw new Error(`cannot run askpass '${command}': ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`)
      if (r.status !== 0) throw new Cancelled()
      return r.stdout.split(/\r?\n/, 1)[0]
    },
    async probe(question) {
      const r = spawnSync(command, [printable(question)], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      if (r.error || r.status !== 0) return undefined
      const answer = r.stdout.split(/\r?\n/, 1)[0]
      if (/^\s*(y|yes|n|no)?\s*$/i.test(answer) && r.stderr) writeErr(printable(r.stderr, { lines: true }))
      return answer
    },
    close() {},
  }
}
