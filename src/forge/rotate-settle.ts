// What `check` says about a token beyond its verdict: a recorded expiry the
// forge changed, a rotation whose answer was lost (the forge's word on the
// old secret settles it), and whether a GitLab token may renew itself.
import type { TokenRecord } from '../state/tokens.js'
import type { ForgeReport } from './report.js'
import { DEAD } from './report.js'
import { canSelfRotate, markResult, renewPage } from './rotate-plan.js'

const shown = (iso: string | null, none: string) => (iso ? iso.slice(0, 10) : none)

/** The line for an expiry the forge changed, or null. */
export function expiryChange(t: TokenRecord, before: string | null): string | null {
  if (t.expires === before) return null
  return `token '${t.name}': expiry changed from ${shown(before, 'unknown')} to ${shown(t.expires, 'none')} (from the forge)`
}

/**
 * Settle a rotation whose answer was lost, from what the forge now says of
 * the old secret; changes the record and returns the line to say, or null.
 */
export function settleRotation(t: TokenRecord, r: ForgeReport, now: Date): string | null {
  if (markResult(t.rotation, now) !== 'unknown') return null
  const when = t.rotation!.at.slice(0, 10)
  if (DEAD.includes(r.verdict)) {
    const page = renewPage(t)?.split('?')[0] ?? 'the forge'
    t.rotation = { ...t.rotation!, result: 'lost', note: `settled by check on ${now.toISOString().slice(0, 10)}` }
    return (
      `token '${t.name}': the rotation on ${when} probably happened and its new token is lost (GitLab now refuses the old one); ` +
      `revoke the newest '${t.name}' token at ${page}, then make a new one and run: git-credential-pat rotate ${t.name}`
    )
  }
  if (r.verdict === 'valid') {
    delete t.rotation
    return `token '${t.name}': the rotation on ${when} did not happen (GitLab still accepts the old secret); nothing was lost, and it may be renewed again`
  }
  return null
}

/** Whether a GitLab token may renew itself, from the scopes the forge gave; undefined when not known. */
export function selfRotation(t: TokenRecord, r: ForgeReport): boolean | undefined {
  return t.provider === 'gitlab' && r.verdict === 'valid' ? canSelfRotate(r.scopes) : undefined
}
