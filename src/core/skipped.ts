// What `get` says on stderr about a token it will not send (docs/git-credential-pat.md,
// "The git side"): expired, rejected or disabled, each with the command that fixes it.
import type { Candidate } from './select.js'
import { day } from './expiry.js'

export function skippedNote(c: Candidate): string {
  const t = c.token
  const shown = `token '${t.name}' (${t.scope})`
  if (c.unusable === 'expired') return `${shown} expired on ${day(t.expires!)}; not sending it. Rotate it: git-credential-pat rotate ${t.name}`
  if (c.unusable === 'rejected') {
    const when = t.rejected ? ` on ${day(t.rejected.at)} (${t.rejected.url})` : ''
    return `${shown} was rejected by the server${when}; not sending it. Rotate it: git-credential-pat rotate ${t.name} (or, if it still works: git-credential-pat enable ${t.name})`
  }
  return `${shown} is disabled; not sending it. Turn it back on: git-credential-pat enable ${t.name}`
}
