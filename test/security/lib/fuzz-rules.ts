// What must hold for each fuzzed input (fuzz.ts): exported so the harness's
// own mutation tests can show each rule catching a planted breach.
import type { Outcome } from './in-process.js'
import { SEEDED } from './generators.js'

export const SECRETS = [SEEDED.add, SEEDED.store, SEEDED.other, 'fresh-secret-a', 'fresh-secret-b', 'glpat-AbCdEf0123456789xyz']
const PROTOCOL_LINES = /^(?:[a-z_]+(?:\[\])?=[^\n]*\n)*$/

/**
 * Each value we keep is byte for byte one that git sent on a `key=` line:
 * nothing decoded into U+FFFD, trimmed or otherwise altered.
 * (Values taken apart from a url= are percent-decoded, so not checked here.)
 */
export function altered(input: Buffer, o: Outcome): string | null {
  if (!o.cred || input.includes('url=')) return null
  const lines = new Set(input.toString('latin1').split('\n'))
  const kept: Array<[string, string | undefined]> = [
    ['password', o.cred.password],
    ['credential', o.cred.credential],
    ['oauth_refresh_token', o.cred.oauthRefreshToken],
    ['username', o.cred.username],
    ['host', o.cred.host],
    ['path', o.cred.path],
  ]
  for (const [key, v] of kept) {
    if (v !== undefined && !lines.has(`${key}=${Buffer.from(v, 'utf8').toString('latin1')}`)) return `${key} altered: not the bytes git sent`
  }
  return null
}

/** What must hold for one outcome; returns the broken rule, or null. `changed`: metadata or keychain. */
export function broken(op: string, o: Outcome, changed: boolean, input: Buffer): string | null {
  if (o.crash !== undefined) return `crash: ${o.crash instanceof Error ? o.crash.stack : String(o.crash)}`
  if (/internal error/.test(o.stderr)) return `internal error: ${o.stderr}`
  for (const s of SECRETS) if (o.stderr.includes(s)) return `a secret on stderr: ${o.stderr}`
  if (o.malformed) {
    if (o.exit !== 1) return `malformed input exited ${o.exit}`
    if (o.stdout !== '') return `malformed input wrote stdout: ${JSON.stringify(o.stdout)}`
    if (!/^git-credential-pat: [^\n]*\n$/.test(o.stderr)) return `malformed input: not one line on stderr: ${JSON.stringify(o.stderr)}`
  }
  if (op !== 'get' && o.stdout !== '') return `${op} wrote stdout: ${JSON.stringify(o.stdout)}`
  if (!PROTOCOL_LINES.test(o.stdout)) return `stdout is not protocol lines: ${JSON.stringify(o.stdout)}`
  if ((o.malformed || o.exit !== 0) && changed) return `refused input (exit ${o.exit}) changed the state`
  if (op === 'erase' && o.cred && (!o.cred.protocol || !o.cred.host) && changed) return 'erase without protocol and host changed the state'
  // get never writes the metadata or keychain (only the warn-state file).
  if (op === 'get' && changed) return 'get changed the state'
  return altered(input, o)
}
