// Token scopes: `[http://|https://]HOST[:PORT][/PATH[/*]]` (docs/git-credential-pat.md, "Scopes"), and
// matching them against what git asks for. Everything here is a security
// property: hosts and ports compare exactly, paths segment by segment, and
// plain http only where the scope says so.
import { PatError } from '../errors.js'
import { printable } from './terminal-text.js'

export interface Scope {
  protocol: 'https' | 'http'
  host: string // lower-case; IPv6 literals keep their brackets
  port?: number // undefined = the protocol's default port
  path: string[] // normalised segments; [] = the whole host
  wildcard: boolean // `path/*`: everything below path, at any depth
}

export interface ParsedScope extends Scope {
  /** A username given in a clone URL (`https://alice@host/…`). */
  username?: string
  /**
   * The text carried `user:PASSWORD@`. The password itself is dropped here;
   * `add` refuses such a scope, as the password was on the command line.
   */
  hasPassword?: true
}

const DEFAULT_PORT = { https: 443, http: 80 } as const

/** Parse a scope or a full clone URL. Throws SCOPE errors with the reason. */
export function parseScope(input: string): ParsedScope {
  // Messages quote the scope without userinfo (it may hold a password) and
  // without control characters (they would forge more lines on a terminal).
  const shown = quotable(input)
  // A scope is one line of printable text; a control character (encoded or
  // not) is a paste gone wrong or an attempt to forge output.
  if (/[\x00-\x1f\x7f]/.test(input) || /%(?:[01][0-9a-f]|7f)/i.test(input)) {
    throw new PatError('SCOPE', `scope '${shown}': control characters are not allowed in a scope`)
  }
  const text = input.trim()
  let rest = text
  let protocol: Scope['protocol'] = 'https'
  const proto = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(rest)
  if (proto) {
    const p = proto[1].toLowerCase()
    if (p !== 'https' && p !== 'http') {
      throw new PatError('SCOPE', `scope '${shown}': only http:// and https:// are served (got ${p}://)`)
    }
    protocol = p
    rest = rest.slice(proto[0].length)
  } else if (/^[^/]*@[^/]*:/.test(rest) && !rest.includes('://')) {
    throw new PatError('SCOPE', `scope '${shown}' looks like an SSH address: tokens are for http(s) remotes`)
  }
  rest = rest.replace(/[?#].*$/, '')
  const slash = rest.indexOf('/')
  let authority = slash === -1 ? rest : rest.slice(0, slash)
  const rawPath = slash === -1 ? '' : rest.slice(slash + 1)
  let username: string | undefined
  let hasPassword: true | undefined
  const at = authority.lastIndexOf('@')
  if (at >= 0) {
    const userinfo = authority.slice(0, at)
    if (userinfo.includes(':')) hasPassword = true
    username = safeDecode(userinfo.split(':')[0], shown)
    authority = authority.slice(at + 1)
  }
  const { host, port } = parseHostPort(authority, protocol, shown)

  let wildcard = false
  let pathText = rawPath
  if (pathText === '*' || pathText.endsWith('/*')) {
    wildcard = true
    pathText = pathText.slice(0, -1)
  }
  // `g.git/*` is everything under the group `g.git`: a wildcard's prefix is
  // made of group segments, which are never altered.
  const path = normalisePath(pathText, { stripGit: !wildcard })
  if (path === null) throw new PatError('SCOPE', `scope '${shown}': '.', '..' or encoded '/' in the path is not allowed`)
  if (path.some(s => s.includes('*'))) throw new PatError('SCOPE', `scope '${shown}': '*' is only allowed as the last segment`)
  if (path.length === 0) wildcard = false // `host/*` is the whole host
  const out: ParsedScope = { protocol, host, port, path, wildcard, username }
  if (hasPassword) out.hasPassword = hasPassword
  return out
}

/** The scope as an error message may show it: no userinfo, no control characters, bounded. */
function quotable(input: string): string {
  const s = printable(input.replace(/^((?:[a-zA-Z][a-zA-Z0-9+.-]*:\/\/)?)[^/?#]*@/, '$1…@'))
  return s.length > 120 ? s.slice(0, 120) + '…' : s
}

function parseHostPort(authority: string, protocol: Scope['protocol'], text: string): { host: string; port?: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d*))?$/.exec(authority)
  if (!m) throw new PatError('SCOPE', `scope '${text}': no valid host`)
  const host = m[1].toLowerCase()
  // DNS limits (RFC 1035 §2.3.4): a label is at most 63 bytes, a name 253.
  if (!host.startsWith('[')) {
    const name = host.replace(/\.$/, '')
    if (name.split('.').some(label => label.length > 63)) throw new PatError('SCOPE', `scope '${text}': a host name label longer than 63 bytes`)
    if (name.length > 253) throw new PatError('SCOPE', `scope '${text}': a host name longer than 253 bytes`)
  }
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9_-]*[a-z0-9])?)*\.?)$/.test(host)) {
    throw new PatError('SCOPE', `scope '${text}': '${host}' is not a valid host name`)
  }
  let port: number | undefined
  if (m[2] !== undefined && m[2] !== '') {
    port = Number(m[2])
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new PatError('SCOPE', `scope '${text}': bad port`)
    if (port === DEFAULT_PORT[protocol]) port = undefined
  }
  return { host: host.replace(/\.$/, ''), port }
}

function safeDecode(s: string, text: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    throw new PatError('SCOPE', `scope '${text}': bad percent-encoding`)
  }
}

/**
 * Normalise a repository path for comparison: percent-decoding, empty and
 * `.` segments dropped, a `.git` suffix and trailing `/` ignored. Returns
 * null for paths we refuse to reason about: `..` segments, undecodable
 * escapes, or an encoded `/` hiding inside a segment.
 */
export function normalisePath(path: string, opts: { stripGit?: boolean } = {}): string[] | null {
  const out: string[] = []
  for (const raw of path.split('/')) {
    let seg: string
    try {
      seg = decodeURIComponent(raw)
    } catch {
      return null
    }
    // An encoded `/` or `\` would hide a segment boundary; control characters never name a repository.
    if (/[/\\\x00-\x1f\x7f]/.test(seg)) return null
    if (seg === '..') return null
    if (seg === '' || seg === '.') continue
    out.push(seg)
  }
  // Once, and only the last segment: `r.git.git` is the repository `r.git`.
  if (out.length > 0 && opts.stripGit !== false) {
    const last = out[out.length - 1].replace(/\.git$/, '')
    if (last === '') out.pop()
    else out[out.length - 1] = last
  }
  return out
}

/**
 * The canonical text of a scope: https and default ports are left out. A
 * repository whose name ends in `.git` gets that one `.git` back, which
 * parseScope strips again: the text always parses to the same scope.
 */
export function formatScope(s: Scope): string {
  const proto = s.protocol === 'http' ? 'http://' : ''
  const port = s.port === undefined ? '' : `:${s.port}`
  const segs = s.path.map(encodeSegment)
  if (!s.wildcard && segs.length && segs[segs.length - 1].endsWith('.git')) segs[segs.length - 1] += '.git'
  const path = segs.length ? '/' + segs.join('/') : ''
  return `${proto}${s.host}${port}${path}${s.wildcard ? '/*' : ''}`
}

/**
 * Segments are stored decoded; escape what parseScope would read differently
 * (`%`, a `*` that would become a wildcard, whitespace that would be
 * trimmed), so the canonical text parses back to the same scope, never a
 * broader one.
 */
const encodeSegment = (seg: string) => seg.replace(/[%*\s]/g, c => (c === '*' ? '%2A' : encodeURIComponent(c)))

/** `https://host[:port]`, the URL git config keys such as useHttpPath take. */
export function originOf(s: Scope): string {
  return `${s.protocol}://${s.host}${s.port === undefined ? '' : `:${s.port}`}`
}

/** What git asked about, normalised once for matching. */
export interface Target {
  protocol?: string
  host?: string
  port?: number
  /** undefined: git sent no path; null: a path we refuse (`..` and the like). */
  path?: string[] | null
  username?: string
}

/** Turn git's protocol/host/path/username into a Target; null if unusable. */
export function targetOf(c: { protocol?: string; host?: string; path?: string; username?: string }): Target | null {
  const t: Target = { username: c.username }
  if (c.protocol !== undefined) t.protocol = c.protocol.toLowerCase()
  if (c.host !== undefined) {
    const proto = t.protocol === 'http' ? 'http' : 'https'
    try {
      const hp = parseHostPort(c.host, proto, c.host)
      t.host = hp.host
      t.port = hp.port
    } catch {
      return null
    }
  }
  if (c.path !== undefined) t.path = normalisePath(c.path.replace(/[?#].*$/, ''))
  return t
}

/**
 * How specifically a scope covers a target, or -1 if it does not. Higher is
 * more specific: an exact repository beats any prefix, a longer prefix beats
 * a shorter one, and the whole host comes last.
 */
export function specificity(scope: Scope, t: Target): number {
  if (t.protocol !== scope.protocol) return -1 // a scope without protocol is https only
  if (t.host !== scope.host || t.port !== scope.port) return -1
  if (scope.path.length === 0) return 0
  // A path-scoped token needs git to send the path (credential.useHttpPath).
  if (!t.path) return -1
  return pathSpecificity(scope, t.path)
}

function pathSpecificity(scope: Scope, path: string[]): number {
  if (scope.path.length === 0) return 0
  if (scope.wildcard) {
    if (path.length <= scope.path.length) return -1
    return scope.path.every((seg, i) => seg === path[i]) ? scope.path.length : -1
  }
  if (path.length !== scope.path.length) return -1
  return scope.path.every((seg, i) => seg === path[i]) ? 1_000_000 : -1
}

/**
 * Whether an `erase` request covers a scope: attributes git did not send
 * match anything (git-credential(1), "erase"); those it sent must agree.
 */
export function eraseMatches(scope: Scope, t: Target): boolean {
  if (t.protocol !== undefined && t.protocol !== scope.protocol) return false
  if (t.host !== undefined && (t.host !== scope.host || t.port !== scope.port)) return false
  if (t.path === null) return false
  if (t.path !== undefined && pathSpecificity(scope, t.path) < 0) return false
  return true
}
