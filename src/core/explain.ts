// `which URL`: the token `get` would send for a URL and, for every other
// token of that host, why it is not the one. Pure: the caller reads
// the tokens, git config's useHttpPath and which secrets could not be read;
// nothing here ever sees a secret.
import { PatError } from '../errors.js'
import { specificity, targetOf, type Scope, type Target } from './scope.js'
import { candidates, scopeOf, usable, type Candidate } from './select.js'
import { day } from './expiry.js'
import { looksLikeToken, redactWords } from './redact.js'
import type { TokenRecord } from './model.js'

/** What git would ask for that URL (git-credential(1)), before useHttpPath applies. */
export interface Request {
  protocol: 'http' | 'https'
  /** Host, with `:port` when not the default. */
  host: string
  /** Without the leading `/`; undefined when the URL names no path. */
  path?: string
  username?: string
  /** The URL as shown: no password, ever. */
  url: string
}

export type Why =
  | { kind: 'chosen' }
  | { kind: 'less-specific'; than: string }
  | { kind: 'ranked-after'; than: string }
  | { kind: 'expired'; on: string }
  | { kind: 'disabled' }
  | { kind: 'rejected'; on?: string; at?: string }
  | { kind: 'https-only' }
  | { kind: 'http-only' }
  | { kind: 'other-port' }
  | { kind: 'needs-use-http-path'; origin: string }
  | { kind: 'no-path' }
  | { kind: 'not-covered' }
  | { kind: 'username'; wanted: string }
  | { kind: 'no-secret'; detail: string }

export interface Row {
  token: TokenRecord
  why: Why
  /** The reason in words, as the table shows it. */
  text: string
}

export interface Explanation {
  request: Request
  useHttpPath: boolean
  /** git sends the path only with credential.useHttpPath (gitcredentials(7)). */
  pathSent: boolean
  chosen?: TokenRecord
  /** The chosen token first, then the others in get's order, then those that do not cover the URL. */
  rows: Row[]
}

/** Read a URL as git would before asking us; a bare `host/path` is https. */
export function requestOf(text: string): Request {
  const shown = /[\x00-\x1f\x7f]/.test(text) ? 'that argument' : `'${redactWords(text.replace(/\/\/[^/@]*:[^/@]*@/, '//…@'))}'`
  let u: URL
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`)
  } catch {
    throw new PatError('USAGE', `${shown} is not a URL; give one such as https://HOST/GROUP/REPO`)
  }
  const protocol = u.protocol.slice(0, -1)
  if (protocol !== 'http' && protocol !== 'https') throw new PatError('USAGE', `${shown}: only http:// and https:// URLs are served`)
  const path = u.pathname.replace(/^\/+/, '') || undefined
  let username: string | undefined
  try {
    username = u.username ? decodeURIComponent(u.username) : undefined
  } catch {
    throw new PatError('USAGE', `${shown}: the username is not valid percent-encoding`)
  }
  const user = u.username ? `${u.username}@` : ''
  return { protocol, host: u.host, path, username, url: `${protocol}://${user}${u.host}${path ? `/${path}` : ''}` }
}

/** The target `get` matches against: without the path unless git sends it. */
export function sentTarget(req: Request, useHttpPath: boolean): Target | null {
  return targetOf({ protocol: req.protocol, host: req.host, username: req.username, path: useHttpPath ? req.path : undefined })
}

/** The tokens whose secret should be tried, in get's order, until one reads. */
export function toProbe(tokens: readonly TokenRecord[], req: Request, useHttpPath: boolean, now: Date): TokenRecord[] {
  const t = sentTarget(req, useHttpPath)
  return t ? usable(tokens, t, now).map(c => c.token) : []
}

export interface ExplainOptions {
  useHttpPath: boolean
  /** Tokens whose secret could not be read, with the error (never a secret). */
  unreadable: ReadonlyMap<string, string>
  now: Date
}

export function explain(tokens: readonly TokenRecord[], req: Request, o: ExplainOptions): Explanation {
  const full = targetOf({ protocol: req.protocol, host: req.host, username: req.username, path: req.path })
  const sent = sentTarget(req, o.useHttpPath)
  if (!full || !sent?.host) throw new PatError('USAGE', `'${req.url}' has no host we can match`)
  const found = candidates(tokens, sent, o.now)
  const chosen = found.find(c => !c.unusable && !o.unreadable.has(c.token.name))
  const origin = `${req.protocol}://${req.host}`
  const rows: Row[] = found.map(c => row(c.token, whyCandidate(c, chosen, o)))
  const others = tokens
    .filter(t => !found.some(c => c.token === t) && scopeOf(t)?.host === full.host)
    .sort((a, b) => a.scope.localeCompare(b.scope) || a.name.localeCompare(b.name))
  for (const t of others) rows.push(row(t, whyNotCovering(t, scopeOf(t)!, full, sent, origin)))
  rows.sort((a, b) => Number(b.why.kind === 'chosen') - Number(a.why.kind === 'chosen'))
  return { request: req, useHttpPath: o.useHttpPath, pathSent: o.useHttpPath && req.path !== undefined, chosen: chosen?.token, rows }
}

const row = (token: TokenRecord, why: Why): Row => ({ token, why, text: whyText(why, token) })

/** Why a token whose scope covers the URL is, or is not, the one sent. */
function whyCandidate(c: Candidate, chosen: Candidate | undefined, o: ExplainOptions): Why {
  const t = c.token
  if (c.unusable === 'disabled') return { kind: 'disabled' }
  if (c.unusable === 'rejected') return { kind: 'rejected', on: t.rejected?.at, at: t.rejected?.url }
  if (c.unusable === 'expired') return { kind: 'expired', on: t.expires! }
  const unreadable = o.unreadable.get(t.name)
  if (unreadable !== undefined) return { kind: 'no-secret', detail: unreadable }
  if (!chosen || c === chosen) return { kind: 'chosen' }
  return { kind: c.rank < chosen.rank ? 'less-specific' : 'ranked-after', than: chosen.token.name }
}

/** Why a token of the same host does not cover the URL at all. */
function whyNotCovering(t: TokenRecord, scope: Scope, full: Target, sent: Target, origin: string): Why {
  if (scope.protocol !== full.protocol) return { kind: full.protocol === 'http' ? 'https-only' : 'http-only' }
  if (scope.port !== full.port) return { kind: 'other-port' }
  if (scope.path.length && !sent.path) {
    if (!full.path) return { kind: 'no-path' }
    return specificity(scope, full) >= 0 ? { kind: 'needs-use-http-path', origin } : { kind: 'not-covered' }
  }
  if (specificity(scope, sent) < 0) return { kind: 'not-covered' }
  if (sent.username !== undefined && t.username !== sent.username) return { kind: 'username', wanted: sent.username }
  return { kind: 'not-covered' }
}

export function whyText(why: Why, t: TokenRecord): string {
  switch (why.kind) {
    case 'chosen':
      return 'chosen: get sends this one'
    case 'less-specific':
      return `less specific than '${why.than}'`
    case 'ranked-after':
      return `as specific as '${why.than}', which expires later or is newer`
    case 'expired':
      return `expired on ${day(why.on)}; rotate it: git-credential-pat rotate ${t.name}`
    case 'disabled':
      return `disabled; enable it: git-credential-pat enable ${t.name}`
    case 'rejected':
      return why.on ? `rejected on ${day(why.on)} at ${why.at}` : 'rejected by the server'
    case 'https-only':
      return 'its scope is https only and this URL is http (a scope for plain http starts with http://)'
    case 'http-only':
      return 'its scope is for plain http (http://) and this URL is https'
    case 'other-port':
      return 'its scope is for another port'
    case 'needs-use-http-path':
      return `its scope covers this path, but credential.useHttpPath is off for ${why.origin}, so git does not send the path; run: git config --global credential.${why.origin}.useHttpPath true`
    case 'no-path':
      return 'its scope is a group or repository, and this URL names none'
    case 'not-covered':
      return `its scope does not cover this ${t.scope.includes('/') ? 'path' : 'URL'}`
    case 'username':
      return `its username is '${t.username}'; the URL asks for '${why.wanted}'`
    case 'no-secret':
      // A source command's stderr is quoted in the error: hide anything token-like in it.
      return `no secret could be read: ${why.detail.replace(/[^\s,()'"`]+/g, w => (looksLikeToken(w) ? '[redacted]' : w))}`
  }
}

/**
 * The prompt's "likely cause": tokens of the host that would
 * answer but for the URL's protocol (a scope is https only unless it says
 * http://), or but for the path git did not send (credential.useHttpPath
 * off: gitcredentials(7)). `req.path` is what git sent; without one, every
 * path-scoped token of the host is named, as git hid which repository it is.
 */
export function likelyCauses(tokens: readonly TokenRecord[], req: Request, now: Date): string[] {
  const e = explain(tokens, req, { useHttpPath: req.path !== undefined, unreadable: new Map(), now })
  const origin = `${req.protocol}://${req.host}`
  const out: string[] = []
  for (const { token, why, text } of e.rows) {
    const shown = `token '${token.name}' (${token.scope})`
    if (why.kind === 'https-only' && coversOverHttps(token, req)) out.push(`${shown}: ${text}`)
    else if (why.kind === 'no-path' && req.path === undefined) {
      out.push(
        `${shown}: git did not send the repository path, as credential.useHttpPath is off for ${origin}; run: git config --global credential.${origin}.useHttpPath true`,
      )
    }
  }
  return out
}

/** Whether an https scope would cover the same request made over https. */
function coversOverHttps(t: TokenRecord, req: Request): boolean {
  const scope = scopeOf(t)
  const target = sentTarget({ ...req, protocol: 'https' }, req.path !== undefined)
  return !!scope && !!target && specificity(scope, target) >= 0
}
