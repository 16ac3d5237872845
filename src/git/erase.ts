// `erase`: git calls it after a 401, and `git credential reject` with
// whatever the user gives (docs/git-credential-pat.md, "The git side"). Attributes git did not send match
// anything; a password, when sent, must be equal, so a different token for
// the same URL is never touched. What `store` saved is deleted; tokens made
// with `add` are marked rejected instead, so the user can see why and rotate.
import { sentSecret, type Credential } from '../core/protocol.js'
import { eraseMatches, targetOf } from '../core/scope.js'
import { scopeOf } from '../core/select.js'
import { updateMetadata, type TokenRecord } from '../state/tokens.js'
import { statePaths } from '../state/paths.js'
import { dropPending } from '../state/pending.js'
import { readSecret, dropSecret } from '../state/sources/index.js'
import { dropSessions, forgetSecret } from '../state/secrets.js'
import { note } from '../log/log.js'
import { say } from '../log/stderr.js'
import { deniedNotice, rejectedNotice } from './erase-notice.js'

export interface EraseDeps {
  now: Date
  env: NodeJS.ProcessEnv
  /** Asks the forge whether an added token is still valid (expiry issue). */
  stillValid?: (t: TokenRecord, secret: string) => Promise<boolean>
}

export async function erase(cred: Credential, deps: EraseDeps): Promise<void> {
  const { now, env } = deps
  // Without protocol and host an erase names nothing, and "attributes not
  // sent match anything" would make it erase everything: git's
  // credential-store refuses a blank pattern for the same reason.
  if (!cred.protocol || !cred.host) return void note({ outcome: 'ignored', why: 'erase without protocol and host' })
  const target = targetOf(cred)
  if (!target) return
  const sent = sentSecret(cred)
  const url = describe(cred)
  // A token typed at the prompt that failed is forgotten, saying so.
  if (dropPending(statePaths(env).pending, cred, now)) say(`the server refused the token typed for ${url}; it was not saved`)
  // And a session-only token the daemon holds.
  const sessions = await dropSessions(cred, env)
  const matched: string[] = []
  // Said once the new state is on disk, in the git command that got the 401.
  const notices: string[] = []
  await updateMetadata(statePaths(env).metadata, async meta => {
    const keep: TokenRecord[] = []
    for (const t of meta.tokens) {
      if (!(await matches(t))) {
        keep.push(t)
        continue
      }
      if (t.origin === 'store') {
        await dropSecret(t)
        continue
      }
      keep.push(t)
      if (t.state !== 'active') continue
      if (deps.stillValid && sent && (await deps.stillValid(t, sent))) {
        // The forge vouches for the token: the 401 was about this repository.
        t.denied = { at: now.toISOString(), url }
        note({ kept: t.name, why: `the forge says the token is valid: the 401 was about ${url}` })
        notices.push(deniedNotice(t, url))
        continue
      }
      t.state = 'rejected'
      t.rejected = { at: now.toISOString(), url }
      notices.push(rejectedNotice(t, url))
    }
    meta.tokens = keep
  })
  for (const n of notices) say(n)
  note({ outcome: matched.length || sessions ? 'erased' : 'no match', name: matched.join(',') || undefined, sessions: sessions || undefined })

  async function matches(t: TokenRecord): Promise<boolean> {
    const scope = scopeOf(t)
    if (!scope || !eraseMatches(scope, target!)) return false
    if (cred.username !== undefined && t.username !== cred.username) return false
    // After a 401 the daemon's copy may be what is stale: drop it and compare with the source.
    await forgetSecret(t, env)
    if (sent === undefined) {
      matched.push(t.name)
      return true
    }
    try {
      const same = (await readSecret(t, env)) === sent
      if (same) matched.push(t.name)
      return same
    } catch {
      return false // a secret we cannot read cannot be shown to be the one git sent
    }
  }
}

/** The URL git was working on, for `list` and the prompt (no secrets). */
function describe(c: Credential): string {
  return `${c.protocol ?? 'https'}://${c.host ?? ''}${c.path ? '/' + c.path : ''}`
}
