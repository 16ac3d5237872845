// `get`: answer git with the best usable token for the URL, or nothing
// (docs/git-credential-pat.md, "The git side"). The decision is core/answer-get.ts's; this is the I/O
// around it: read the records, fetch what the decision still needs
// (secrets, the expiry-warning settings, a session token), say its notes,
// write the warning state, and prompt when nothing is usable.
import type { Credential } from '../core/protocol.js'
import { targetOf } from '../core/scope.js'
import { mayCover } from '../core/select.js'
import { decideGet, type GetInput, type GetNeed } from '../core/answer-get.js'
import { servesProtocol, type Looked } from '../core/answer.js'
import type { TokenRecord } from '../core/model.js'
import { readTokensFor } from '../state/tokens.js'
import { statePaths } from '../state/paths.js'
import { resolveRefreshToken, resolveSecret, sessionFor } from '../state/secrets.js'
import { note } from '../log/log.js'
import { say } from '../log/stderr.js'
import { PatError } from '../errors.js'
import { dropHeld, held, sayIfNeeded, unreadable } from './keychain-trouble.js'

export interface GetDeps {
  now: Date
  env: NodeJS.ProcessEnv
}

export async function get(cred: Credential, deps: GetDeps): Promise<string> {
  const { now, env } = deps
  const target = targetOf(cred)
  const asked = target?.protocol && target.host && servesProtocol(cred)
  const tokens = asked ? readTokensFor(statePaths(env).metadata, target.host!, scope => mayCover(scope, target)) : []
  const secrets = new Map<TokenRecord, Looked>()
  const refreshes = new Map<TokenRecord, string | null>()
  const input: GetInput = { cred, tokens, now, secrets: { secret: t => secrets.get(t), refresh: t => refreshes.get(t) } }
  let said = 0
  for (;;) {
    const o = decideGet(input)
    // Notes as they come, so they keep their place among what the I/O itself says.
    // The keychain's trouble waits: said only if no other token answers (git/keychain-trouble.ts).
    for (; said < o.notes.length; said++) if (!held(o.notes[said])) say(o.notes[said])
    const need: GetNeed | undefined = o.need
    if (!need) {
      if (o.session) note({ name: '(session)', scope: o.session.scope, via: 'session' })
      if (o.warned) await (await import('../state/warn-state.js')).saveWarnState(statePaths(env).warnState, o.warned)
      if (o.autoRotate) await (await import('../forge/auto-rotate.js')).nearExpiryOnGet(o.autoRotate, now, env)
      if (o.out) dropHeld()
      else await sayIfNeeded(env, now)
      return o.out
    }
    switch (need.kind) {
      case 'secret':
        secrets.set(need.token, await lookup(need.token, env))
        break
      case 'refresh':
        refreshes.set(need.token, (await resolveRefreshToken(need.token, env)) ?? null)
        break
      case 'warn':
        input.warn = (await import('../state/warn-state.js')).warnInputs(need.token, env)
        break
      case 'session':
        input.session = await sessionFor(cred, env)
        break
      case 'prompt':
        await sayIfNeeded(env, now)
        // Nothing usable: ask the user, if we may; prompt code loads only now.
        return (await import('../prompt/prompt.js')).promptForToken(cred, need.found, { env, now })
    }
  }
}

/** A secret, or the one-line reason it cannot be read (the decision names it once). */
async function lookup(t: TokenRecord, env: NodeJS.ProcessEnv): Promise<Looked> {
  try {
    return { secret: await resolveSecret(t, env) }
  } catch (e) {
    if (e instanceof PatError) {
      unreadable(e)
      return { error: e.message }
    }
    throw e
  }
}
