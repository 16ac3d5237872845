// Reading git's credential-store file (`~/.git-credentials`), pure. Each
// line is a URL `protocol://user:password@host[/path]` whose parts git
// percent-encoded (git-credential-store(1), "STORAGE FORMAT"; builtin/
// credential-store.c encodes the host too, so a port is stored as `%3a`).
// git ignores lines it cannot parse; so do we, saying why, and such lines
// stay in the file. Nothing here may show a password: messages name the
// line number, scope and username only.
import { formatScope, parseScope } from './scope.js'

export interface StoredCredential {
  /** 1-based line number, for messages. */
  line: number
  /** The line as it is in the file (what gets removed once migrated). */
  text: string
  protocol: 'http' | 'https'
  /** Decoded host, lower-case, without the port. */
  host: string
  /** Path segments git stored (only when credential.useHttpPath was on). */
  path: string[]
  /** The canonical scope: exactly the protocol, host, port and path git stored. */
  scope: string
  username: string
  password: string
}

export interface SkippedLine {
  line: number
  why: string
}

export interface CredentialFile {
  entries: StoredCredential[]
  skipped: SkippedLine[]
}

/** Every line of a credential-store file: the http(s) credentials, and why the others are left alone. */
export function parseGitCredentials(text: string): CredentialFile {
  const entries: StoredCredential[] = []
  const skipped: SkippedLine[] = []
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '')
    if (line.trim() === '') return
    const r = parseLine(line, i + 1)
    if ('why' in r) skipped.push(r)
    else entries.push(r)
  })
  return { entries, skipped }
}

/** One line, after git's credential_from_url (credential.c). */
export function parseLine(text: string, line: number): StoredCredential | SkippedLine {
  const skip = (why: string): SkippedLine => ({ line, why })
  const proto = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text)
  if (!proto) return skip('not a URL')
  const protocol = proto[1].toLowerCase()
  if (protocol !== 'http' && protocol !== 'https') return skip(`a ${protocol}:// credential (only http and https are served)`)
  const rest = text.slice(proto[0].length)
  const end = rest.search(/[/?#]/)
  const authority = end === -1 ? rest : rest.slice(0, end)
  const rawPath = end === -1 || rest[end] !== '/' ? '' : rest.slice(end + 1).replace(/[?#].*$/, '')
  const at = authority.indexOf('@')
  if (at === -1) return skip('no username and password')
  const userinfo = authority.slice(0, at)
  const colon = userinfo.indexOf(':')
  if (colon === -1) return skip('no password')
  const username = decode(userinfo.slice(0, colon))
  const password = decode(userinfo.slice(colon + 1))
  const hostPort = decode(authority.slice(at + 1))
  if (username === null || password === null || hostPort === null) return skip('bad percent-encoding')
  if (username === '') return skip('an empty username')
  if (/[\x00-\x1f\x7f]/.test(username) || /[\x00-\x1f\x7f]/.test(password)) return skip('control characters in the username or password')
  if (!hostPort || /[@/?#\s]/.test(hostPort)) return skip('no valid host')
  // A `*` would make the path a wildcard scope: broader than what git stored.
  if (rawPath.includes('*')) return skip("a '*' in the path")
  let parsed
  try {
    parsed = parseScope(`${protocol}://${hostPort}${rawPath ? `/${rawPath}` : ''}`)
  } catch {
    return skip('not a host and path this helper can serve')
  }
  return { line, text, protocol, host: parsed.host, path: parsed.path, scope: formatScope(parsed), username, password }
}

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s)
  } catch {
    return null
  }
}

/**
 * The file's text without the given lines (each removed once, by its exact
 * text), other lines kept as they are. Git may have added lines since we
 * read the file, so removal is by content, not by number.
 */
export function withoutLines(text: string, remove: readonly string[]): { text: string; removed: number } {
  const left = new Map<string, number>()
  for (const l of remove) left.set(l, (left.get(l) ?? 0) + 1)
  let removed = 0
  const kept = text.split('\n').filter(raw => {
    const l = raw.replace(/\r$/, '')
    const n = left.get(l) ?? 0
    if (n === 0) return true
    left.set(l, n - 1)
    removed++
    return false
  })
  return { text: kept.join('\n'), removed }
}
