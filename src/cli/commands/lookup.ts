// The one lookup by name, shared by every command that acts on named tokens
// (show, check, rotate, enable, disable, remove), and by doctor/list for the
// warning window.
import { PatError } from '../../errors.js'
import { looksLikeToken } from '../../core/redact.js'
import { configGet } from '../../gitconfig/run.js'
import { WARN_DAYS_DEFAULT } from '../../core/describe.js'
import type { Metadata, TokenRecord } from '../../state/tokens.js'

/** A name as it may appear in a message: a pasted secret is never repeated. */
export function nameForMessage(name: string): string {
  // A false positive only costs a less specific message.
  return looksLikeToken(name) ? '(an argument that looks like a token, not repeated here)' : `'${name}'`
}

/** The token with that name, or a NOT_FOUND error that never echoes a secret. */
export function byName(m: Metadata, name: string): TokenRecord {
  checkName(name)
  const t = m.tokens.find(x => x.name === name)
  if (t) return t
  if (looksLikeToken(name)) {
    throw new PatError(
      'NOT_FOUND',
      "no token by that name, and the name looks like a secret: give the token's name (see: git-credential-pat list), never the token itself",
    )
  }
  throw new PatError('NOT_FOUND', `no token named '${name}' (see: git-credential-pat list)`)
}

/**
 * No token name holds a control character (add refuses them); one in an
 * argument is a paste gone wrong or an attempt to forge terminal output.
 */
export function checkName(name: string): void {
  if (/[\x00-\x1f\x7f]/.test(name))
    throw new PatError('USAGE', 'a token name never contains a newline or control character (the names are in: git-credential-pat list)')
}

/** `credential.pat.warnDays` (default 7): how close to expiry counts as "soon". */
export function warnDays(env: NodeJS.ProcessEnv): number {
  const v = configGet('credential.pat.warnDays', env)
  return v !== undefined && /^\s*\d{1,5}\s*$/.test(v) ? Number(v) : WARN_DAYS_DEFAULT
}
