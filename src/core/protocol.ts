// git's credential protocol, as documented in `git help credential`
// (Documentation/git-credential.adoc, "INPUT/OUTPUT FORMAT"): `key=value`
// lines ended by a blank line or EOF; `key[]` attributes are lists, where an
// empty value clears the list; `url=` is split into its parts and resets
// everything read before it, as git's credential_from_url() does.
import { PatError } from '../errors.js'
import { redactWords } from './redact.js'
import type { TokenRecord } from './model.js'
import { printable } from './terminal-text.js'

export interface Credential {
  protocol?: string
  host?: string // may include ":port", as git sends it
  path?: string
  username?: string
  password?: string
  passwordExpiryUtc?: number
  oauthRefreshToken?: string
  authtype?: string
  credential?: string
  ephemeral?: boolean
  continue?: boolean
  quit?: boolean
  capability: string[]
  wwwauth: string[]
  state: string[]
}

export const MAX_LINE = 65535

/**
 * The secret a credential carries: `credential=` when git sent it with an
 * `authtype` (git ≥ 2.46, capability[]=authtype), else `password=`.
 */
export const sentSecret = (c: Pick<Credential, 'authtype' | 'credential' | 'password'>): string | undefined =>
  c.authtype && c.credential ? c.credential : c.password

export function emptyCredential(): Credential {
  return { capability: [], wwwauth: [], state: [] }
}

const bool = (v: string) => ['1', 'true', 'yes', 'on'].includes(v.toLowerCase())

/**
 * Parse what git wrote on stdin. Malformed input (a NUL byte, a CR, a line
 * longer than 65535 bytes, a line without `=`) throws a PROTOCOL error so the
 * caller can refuse it whole, before anything is changed.
 */
export function parseCredential(input: Buffer | string): Credential {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input
  if (buf.includes(0)) throw new PatError('PROTOCOL', 'malformed input: NUL byte in credential data')
  const c = emptyCredential()
  let start = 0
  let lineNo = 0
  while (start < buf.length) {
    lineNo++
    let end = buf.indexOf(10, start)
    if (end === -1) end = buf.length
    if (end - start > MAX_LINE) {
      throw new PatError('PROTOCOL', `malformed input: line longer than ${MAX_LINE} bytes`)
    }
    const raw = buf.subarray(start, end)
    start = end + 1
    if (raw.length === 0) break // a blank line ends the credential
    if (raw.includes(13)) throw new PatError('PROTOCOL', 'malformed input: carriage return in credential data')
    const eq = raw.indexOf(61 /* = */)
    // The line is not echoed: without `=` there is no telling a secret from a key.
    if (eq <= 0) throw new PatError('PROTOCOL', `malformed input: invalid credential line ${lineNo} (not key=value)`)
    const key = raw.toString('utf8', 0, eq)
    applyAttribute(c, key, decodeValue(key, raw.subarray(eq + 1)))
  }
  return c
}

/** Attributes we keep, compare or send back: their bytes must be text. */
const STRICT_UTF8 = new Set(['protocol', 'host', 'path', 'username', 'password', 'credential', 'oauth_refresh_token', 'url', 'authtype', 'password_expiry_utc'])
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * A value as text. Invalid UTF-8 in an attribute we use is refused: decoding
 * would turn it into U+FFFD, silently altering a secret, and keytar can only
 * hold JS strings, so the bytes could not be kept exactly.
 * Server headers (wwwauth[]) and keys we ignore may be Latin-1; those are
 * decoded leniently, as nothing we store or send depends on them.
 */
function decodeValue(key: string, bytes: Buffer): string {
  if (!STRICT_UTF8.has(key)) return bytes.toString('utf8')
  try {
    return utf8.decode(bytes)
  } catch {
    throw new PatError('PROTOCOL', `malformed input: ${key} is not valid UTF-8; refused rather than altered`)
  }
}

/**
 * The latest instant a JS Date can hold (ECMAScript §21.4.1.22), in seconds.
 * git may send any 64-bit timestamp; beyond this one the expiry is unknown.
 */
export const MAX_EXPIRY_UTC = 8_640_000_000_000

function applyAttribute(c: Credential, key: string, value: string): void {
  switch (key) {
    case 'url': {
      // git's credential_from_url() starts with credential_clear(): every
      // attribute read before url= is forgotten, not only those it sets.
      const parts = fromUrl(value)
      for (const k of Object.keys(c)) delete (c as unknown as Record<string, unknown>)[k]
      Object.assign(c, parts)
      return
    }
    case 'protocol':
    case 'host':
    case 'path':
    case 'username':
    case 'password':
    case 'authtype':
    case 'credential':
      c[key] = value
      return
    case 'oauth_refresh_token':
      c.oauthRefreshToken = value
      return
    case 'password_expiry_utc': {
      // git ignores a value it cannot parse as a timestamp, and reads 0 as
      // "no expiry" (credential.c); so do we. A time past the last date a
      // Date can hold is unknown too: the token is kept, without an expiry.
      const n = /^\d+$/.test(value) ? Number(value) : NaN
      c.passwordExpiryUtc = Number.isSafeInteger(n) && n > 0 && n <= MAX_EXPIRY_UTC ? n : undefined
      return
    }
    case 'ephemeral':
    case 'continue':
    case 'quit':
      c[key] = bool(value)
      return
    case 'capability[]':
    case 'wwwauth[]':
    case 'state[]': {
      const list = key === 'capability[]' ? c.capability : key === 'wwwauth[]' ? c.wwwauth : c.state
      if (value === '') list.length = 0
      else list.push(value)
      return
    }
    default:
      return // unknown attributes are ignored, as the protocol requires
  }
}

/** Split a URL into credential parts, as git's credential_from_url() does. */
export function fromUrl(url: string): Credential {
  const c = emptyCredential()
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(url)
  if (!m) throw new PatError('PROTOCOL', `malformed input: cannot parse url '${quoted(url)}'`)
  c.protocol = m[1].toLowerCase()
  let authority = m[2]
  const at = authority.lastIndexOf('@')
  if (at >= 0) {
    const userinfo = authority.slice(0, at)
    authority = authority.slice(at + 1)
    const colon = userinfo.indexOf(':')
    c.username = decode(colon >= 0 ? userinfo.slice(0, colon) : userinfo, 'username')
    if (colon >= 0) c.password = decode(userinfo.slice(colon + 1), 'password')
  }
  c.host = decode(authority, 'host')
  // git drops the leading slash and trailing slashes of the path.
  const path = m[3].replace(/^\/+/, '').replace(/\/+$/, '')
  if (path) c.path = decode(path, 'path')
  return c
}

/** The value is not echoed: it may be a password. */
function decode(s: string, part: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    throw new PatError('PROTOCOL', `malformed input: bad percent-encoding in the url's ${part}`)
  }
}

/** Keep secrets and control characters out of error messages. */
function quoted(s: string): string {
  // anything up to an `@` may be `user:password`
  const at = s.lastIndexOf('@')
  const noUserinfo = at >= 0 ? '…' + s.slice(at) : s
  const clean = redactWords(printable(noUserinfo).replace(/(password|credential|oauth_refresh_token|token)=.*/i, '$1=…'))
  return clean.length > 60 ? clean.slice(0, 60) + '…' : clean
}

/**
 * Format attributes for git. Values with a newline, CR or NUL would let one
 * attribute smuggle another (CVE-2020-5260), so they are refused.
 */
export function formatCredential(attrs: Array<[string, string | number | undefined]>): string {
  let out = ''
  for (const [key, value] of attrs) {
    if (value === undefined) continue
    const v = String(value)
    if (/[\r\n\0]/.test(v)) throw new PatError('PROTOCOL', `refusing to write ${key} with a line break`)
    out += `${key}=${v}\n`
  }
  return out
}

/** A token's expiry as git's `password_expiry_utc` (seconds since the epoch), if known. */
export function expiryUtc(t: Pick<TokenRecord, 'expires'>): number | undefined {
  return t.expires === null ? undefined : Math.floor(Date.parse(t.expires) / 1000)
}

/** get's answer with a token as username and password (git-credential(1), "INPUT/OUTPUT FORMAT"). */
export function passwordAnswer(t: Pick<TokenRecord, 'username' | 'expires'>, secret: string, refreshToken?: string): string {
  return formatCredential([
    ['username', t.username],
    ['password', secret],
    ['password_expiry_utc', expiryUtc(t)],
    ['oauth_refresh_token', refreshToken],
  ])
}
