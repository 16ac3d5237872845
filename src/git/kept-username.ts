// store's side of the token-like username rule (core/token-like-username.ts):
// the forge is named as add and the prompt name it (git config
// credential.<url>.patProvider, else by host), and a refusal is one line.
import type { Credential } from '../core/protocol.js'
import { guessProvider, isProvider } from '../core/providers.js'
import { targetOf } from '../core/scope.js'
import { keptUsername } from '../core/token-like-username.js'
import { credentialSetting } from '../gitconfig/settings.js'
import { note } from '../log/log.js'
import { say } from '../log/stderr.js'

/** The credential to save, its username replaced when it looked like a token; undefined = save nothing. */
export function keptCredential(cred: Credential, env: NodeJS.ProcessEnv): Credential | undefined {
  const kept = keptUsername(cred.username, () => {
    const configured = credentialSetting('patProvider', `${cred.protocol}://${cred.host}/${cred.path ?? ''}`, env)
    return configured && isProvider(configured) ? configured : guessProvider(targetOf(cred)?.host ?? cred.host ?? '')
  })
  if (kept.refused !== undefined) {
    say(kept.refused)
    return void note({ outcome: 'refused', why: 'the username looks like a token' })
  }
  return kept.username === cred.username ? cred : { ...cred, username: kept.username }
}
