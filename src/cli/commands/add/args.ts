// add's arguments, checked before anything is asked or saved: a
// bad value is a usage error (exit 2), said in one line that never repeats
// a secret. `import` checks its entries with the same functions.
import { PatError } from '../../../errors.js'
import { formatScope, parseScope, type ParsedScope } from '../../../core/scope.js'
import { hostPart, parseTypedScope } from '../../../core/scope-input.js'
import { parseExpires } from '../../../core/expiry.js'
import { PROVIDERS, guessProvider, isProvider, type Provider } from '../../../core/providers.js'
import { looksLikeToken } from '../../../core/redact.js'
import { configGetUrlmatch } from '../../../gitconfig/run.js'
import { openTerminal } from '../../../prompt/tty.js'

/**
 * The scope argument, as people type it: a path without a host is refused
 * with a suggestion naming the one host of `known` scopes, if there is one.
 * A bad scope is a usage error; one carrying a password is refused, saying
 * so, and the password is never repeated.
 */
export function scopeArg(text: string, known: readonly string[] = []): ParsedScope {
  let parsed: ParsedScope
  try {
    const hosts = known.flatMap(k => {
      try {
        return [hostPart(parseScope(k))]
      } catch {
        return []
      }
    })
    parsed = parseTypedScope(text, hosts)
  } catch (e) {
    if (e instanceof PatError && e.code === 'SCOPE') throw new PatError('USAGE', e.message)
    throw e
  }
  if (parsed.hasPassword) {
    throw new PatError(
      'USAGE',
      'the scope carries a password (user:PASSWORD@host), so it was on the command line where ps and shell history see it; nothing was saved: give the scope without it, the token at the prompt or with --token-stdin (and revoke that token if it was a real one)',
    )
  }
  const lp = launchpadGitHost(parsed)
  if (lp) {
    throw new PatError(
      'USAGE',
      `git on Launchpad is served from git.launchpad.net, so a token for ${parsed.host} would never be sent: did you mean ${formatScope(lp)}?`,
    )
  }
  return parsed
}

/** Launchpad's web hosts: git clones from git.launchpad.net (https://help.launchpad.net/Code/Git). */
const LAUNCHPAD_WEB = ['launchpad.net', 'www.launchpad.net', 'code.launchpad.net']

/** The same scope on git.launchpad.net, for a scope typed on one of Launchpad's web hosts; else null. */
export function launchpadGitHost(s: ParsedScope): ParsedScope | null {
  return LAUNCHPAD_WEB.includes(s.host.toLowerCase()) ? { ...s, host: 'git.launchpad.net' } : null
}

/**
 * `--expires` for add and rotate: a usage error (exit 2) when it cannot be
 * read or is a negative duration. A past date is refused with
 * `past: 'refuse'` (add without --force: a token saved already expired is a
 * typo); with 'allow' (the default) it is kept, as rotate does.
 */
export function expiresArg(text: string, now: Date, o: { past?: 'allow' | 'refuse' } = {}): string | null {
  const shown = looksLikeToken(text) || /[\x00-\x1f\x7f]/.test(text) ? 'that value' : `'${text}'`
  if (/^\s*-/.test(text)) {
    throw new PatError('USAGE', `--expires ${shown}: a negative duration is in the past; give a future date (2027-01-31) or a duration (90d, 12w, 6m, 1y)`)
  }
  let expires: string | null
  try {
    expires = parseExpires(text, now)
  } catch (e) {
    if (e instanceof PatError) throw new PatError('USAGE', `--expires ${shown}: give a date (2027-01-31) or a duration (90d, 12w, 6m, 1y)`)
    throw e
  }
  if (o.past === 'refuse' && expires !== null && Date.parse(expires) <= now.getTime()) {
    throw new PatError(
      'USAGE',
      `--expires ${shown} is in the past, so the token would never be sent; give a future date or a duration (90d), or --force to record a token that has already expired`,
    )
  }
  return expires
}

/** --name: one safe word (it names a keychain item and shows in every message). */
export function nameArg(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/.test(name)) {
    const shown = looksLikeToken(name) || /[\x00-\x1f\x7f]/.test(name) ? '' : ` '${name}'`
    throw new PatError('USAGE', `--name${shown}: use letters, digits and . _ @ + - (at most 128; no spaces, newlines or control characters)`)
  }
  return name
}

/** The forge type: --provider, else git config credential.<url>.patProvider, else guessed from the host. */
export function pickProvider(flag: string | undefined, host: string, origin: string, env: NodeJS.ProcessEnv): Provider {
  return providerOf(flag, host, origin, env).provider
}

/** pickProvider, and whether it was only guessed from the host name (nobody named it). */
export function providerOf(flag: string | undefined, host: string, origin: string, env: NodeJS.ProcessEnv): { provider: Provider; guessed: boolean } {
  if (flag) {
    if (!isProvider(flag)) throw new PatError('USAGE', `--provider must be one of ${PROVIDERS.join(', ')}`)
    return { provider: flag, guessed: false }
  }
  const configured = configGetUrlmatch('credential.patProvider', origin, env)
  if (configured) {
    if (!isProvider(configured)) throw new PatError('USAGE', `git config credential.${origin}.patProvider=${configured} is not one of ${PROVIDERS.join(', ')}`)
    return { provider: configured, guessed: false }
  }
  return { provider: guessProvider(host), guessed: true }
}

/**
 * Gitea/Forgejo, Launchpad and unknown forges need the account name. Asked on
 * the terminal when the token will be too; a script must pass --username.
 */
export async function askUsername(provider: Provider, host: string, tokenStdin?: boolean): Promise<string> {
  const who = provider === 'generic' ? `${host}` : `${provider} (${host})`
  const tty = tokenStdin ? null : openTerminal()
  if (!tty) throw new PatError('USAGE', `${who} needs your account name as username: add --username NAME`)
  try {
    return (await tty.ask(`Username on ${host} (your account name): `)).trim()
  } finally {
    tty.close()
  }
}

/** git's credential protocol is line-based: a username must be one clean line. */
export function checkUsername(u: string): string {
  if (!u) throw new PatError('USAGE', 'the username is empty: add --username NAME')
  if (/[\x00-\x1f\x7f]/.test(u)) throw new PatError('USAGE', 'the username contains control characters')
  return u
}
