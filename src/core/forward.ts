// Forwarding (docs/forwarding.md): what a forward may answer, and the lines
// its socket speaks. Pure. A forward answers only for a URL inside one of its
// allowed scopes, and only with a token whose own scope lies inside one of
// them; everything else is "no token".
//
// The wire format is git's credential protocol (git-credential(1), "INPUT/OUTPUT
// FORMAT") with one line in front naming the operation:
//   request:  `get|store|erase\n` then key=value lines, then a blank line
//   reply:    key=value lines for git, `warning=TEXT` lines for the remote's
//             stderr, `forwarded=1` when the credential is the forward's
//             own (store, erase), then the connection closes.
import { PatError } from '../errors.js'
import { parseScope, specificity, type Scope, type Target } from './scope.js'
import { looksLikeToken } from './redact.js'

export const FORWARD_OPS = ['get', 'store', 'erase'] as const
export type ForwardOp = (typeof FORWARD_OPS)[number]

/** Largest request a forward reads: git's own line limit, plus room for a few lines. */
export const FORWARD_MAX_REQUEST = 128 * 1024

/** The allow-list from `--allow` texts; USAGE errors for a bad scope, a URL with a user, or a pasted token. */
export function parseAllow(texts: readonly string[]): Scope[] {
  if (!texts.length) throw new PatError('USAGE', 'name at least one scope to allow: --allow HOST[/PATH[/*]]')
  return texts.map(text => {
    if (looksLikeToken(text.trim())) throw new PatError('USAGE', '--allow takes a scope (HOST[/PATH[/*]]), and this looks like a token: nothing was started')
    let s
    try {
      s = parseScope(text)
    } catch (e) {
      throw new PatError('USAGE', `--allow: ${(e as Error).message}`)
    }
    if (s.username !== undefined || s.hasPassword) throw new PatError('USAGE', '--allow takes a scope without a user name or password')
    return { protocol: s.protocol, host: s.host, port: s.port, path: s.path, wildcard: s.wildcard }
  })
}

/** Whether every URL `inner` covers is also covered by `outer`. */
export function scopeWithin(inner: Scope, outer: Scope): boolean {
  if (inner.protocol !== outer.protocol || inner.host !== outer.host || inner.port !== outer.port) return false
  if (outer.path.length === 0) return true
  if (inner.path.length < outer.path.length || !outer.path.every((seg, i) => seg === inner.path[i])) return false
  if (!outer.wildcard) return !inner.wildcard && inner.path.length === outer.path.length
  // `a/*` covers what is below a, never a itself.
  return inner.path.length > outer.path.length || inner.wildcard
}

/** Whether git's request names a URL inside the allow-list. */
export function urlAllowed(allow: readonly Scope[], t: Target): boolean {
  return allow.some(a => specificity(a, t) >= 0)
}

/** Whether a token's scope lies inside the allow-list. */
export const tokenAllowed = (allow: readonly Scope[], scope: Scope | null): boolean => scope !== null && allow.some(a => scopeWithin(scope, a))

export interface ForwardRequest {
  op: ForwardOp
  /** The credential lines as git wrote them. */
  input: string
}

/** The request as the remote helper sends it. */
export const formatForwardRequest = (op: ForwardOp, input: string): string => `${op}\n${input.replace(/\n*$/, '\n')}\n`

/** The request on the forward's socket, or null when it is not one (the reply is then empty). */
export function parseForwardRequest(text: string): ForwardRequest | null {
  const nl = text.indexOf('\n')
  if (nl < 0) return null
  const op = text.slice(0, nl) as ForwardOp
  if (!FORWARD_OPS.includes(op)) return null
  const end = text.indexOf('\n\n', nl)
  return { op, input: end < 0 ? text.slice(nl + 1) : text.slice(nl + 1, end + 1) }
}

/** Whether the bytes so far hold a whole request (the blank line after the credential). */
export const wholeRequest = (text: string): boolean => text.includes('\n\n', Math.max(0, text.indexOf('\n')))

export interface ForwardReply {
  /** Lines for git. */
  out: string
  /** Lines for the remote's stderr. */
  warnings: string[]
  /** The credential git used is the forward's (store, erase): the remote keeps nothing of it. */
  forwarded: boolean
}

export function formatForwardReply(r: ForwardReply): string {
  const notes = r.warnings.map(w => `warning=${w.replace(/[\r\n]+/g, ' ')}\n`).join('')
  return r.out + notes + (r.forwarded ? 'forwarded=1\n' : '')
}

/** What the remote helper makes of a reply: only the keys git's answer may hold go to git. */
export function parseForwardReply(text: string): ForwardReply {
  const out: string[] = []
  const warnings: string[] = []
  let forwarded = false
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=')
    if (eq <= 0) continue
    const key = line.slice(0, eq)
    if (key === 'warning') warnings.push(line.slice(eq + 1))
    else if (key === 'forwarded') forwarded = line.slice(eq + 1) === '1'
    else if (ANSWER_KEYS.has(key)) out.push(line)
  }
  return { out: out.length ? out.join('\n') + '\n' : '', warnings, forwarded }
}

/** git's answer keys a forward may give (never oauth_refresh_token: a refresh token stays on the host). */
const ANSWER_KEYS = new Set(['username', 'password', 'password_expiry_utc', 'authtype', 'credential', 'capability[]'])
