// `get`: answer git with the best usable token for the URL, or nothing
// (SPEC §2, §3). Expired, rejected and disabled tokens are never sent.
import type { Credential } from '../core/protocol.js'
import { expiryUtc, formatCredential, passwordAnswer } from '../core/protocol.js'
import { targetOf } from '../core/scope.js'
import { candidates, mayCover, type Candidate } from '../core/select.js'
import { readTokensFor } from '../state/tokens.js'
import { statePaths } from '../state/paths.js'
import { resolveRefreshToken, resolveSecret, sessionAnswer } from '../state/secrets.js'
import { say } from '../log/stderr.js'
import { PatError } from '../errors.js'
import { nearExpiry } from '../core/warn.js'
import { skippedNote } from './skipped.js'
import { dropHeld, sayIfNeeded, unreadable } from './keychain-trouble.js'

export interface GetDeps {
  now?: Date
  env?: NodeJS.ProcessEnv
}

export async function get(cred: Credential, deps: GetDeps = {}): Promise<string> {
  const now = deps.now ?? new Date()
  const env = deps.env ?? process.env
  const target = targetOf(cred)
  if (!target || !target.protocol || !target.host) return ''
  const found = candidates(
    readTokensFor(statePaths(env).metadata, target.host, scope => mayCover(scope, target)),
    target,
    now,
  )
  // One line per distinct trouble in this request: a frozen keyring fails every token alike.
  const said = new Set<string>()
  for (const c of found) {
    if (c.unusable) {
      const note = skippedNote(c)
      if (!said.has(note)) say(note)
      said.add(note)
      continue
    }
    const answer = await answerWith(c, cred, env, said)
    if (answer !== null) {
      dropHeld()
      // Expiry warning (SPEC §6), or a renewal started in the background
      // (credential.pat.autoRotate, issue 14); git config and the state file only when near.
      if (nearExpiry(c.token, now)) await (await import('../forge/auto-rotate.js')).nearExpiryOnGet(c.token, now, env)
      return answer
    }
  }
  // A "this session only" token the daemon holds (SPEC §8), before asking again.
  const session = await sessionAnswer(cred, env)
  if (session !== null) return session
  await sayIfNeeded(env, now)
  // Nothing usable: ask the user, if we may (SPEC §7); prompt code loads only now.
  return (await import('../prompt/prompt.js')).promptForToken(cred, found, { env, now })
}

/** The protocol lines for one token, or null if it cannot be used here. */
async function answerWith(c: Candidate, cred: Credential, env: NodeJS.ProcessEnv, said: Set<string>): Promise<string | null> {
  const t = c.token
  // A credential git stored with an authtype can only go back to a git that
  // understands authtype (git ≥ 2.46 advertises capability[]=authtype).
  const canAuthtype = cred.capability.includes('authtype')
  const authtype = t.authtype ?? (t.auth === 'bearer' ? 'Bearer' : undefined)
  if (t.authtype && !canAuthtype) return null
  let secret: string
  try {
    secret = await resolveSecret(t, env)
  } catch (e) {
    if (e instanceof PatError) {
      if (!said.has(e.message)) unreadable(e)
      said.add(e.message)
      return null
    }
    throw e
  }
  if (authtype && canAuthtype) {
    return formatCredential([
      ['capability[]', 'authtype'],
      ['authtype', authtype],
      ['credential', secret],
      ['password_expiry_utc', expiryUtc(t)],
    ])
  }
  return passwordAnswer(t, secret, t.hasRefreshToken ? await resolveRefreshToken(t, env) : undefined)
}
