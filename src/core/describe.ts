// How a token is shown to people (list/show): days left, last use, state.
// date-fns is imported per function; the barrel would load them all at start-up.
import { formatDistanceStrict } from 'date-fns/formatDistanceStrict'
import type { TokenRecord } from './model.js'
import { isExpired } from './select.js'
import { WARN_DAYS_DEFAULT } from './warn.js'
import { countFrom } from './expiry.js'
import { looksLikeToken } from './redact.js'

export { WARN_DAYS_DEFAULT }

/** How a cell is shown: cli/table.ts renders it, in colour only on a terminal. */
export type Tone = 'red' | 'yellow' | 'dim' | undefined

export interface Cell {
  text: string
  tone?: Tone
}

export function expiryCell(t: TokenRecord, now: Date, warnDays = WARN_DAYS_DEFAULT): Cell {
  if (!t.expires) return { text: 'unknown', tone: 'dim' }
  const date = t.expires.slice(0, 10)
  const at = new Date(t.expires)
  // Rounded down, as the warning on `get` counts: "in 6 days" until 7 full days are left.
  const opts = { roundingMethod: 'floor' } as const
  if (isExpired(t, now)) return { text: `${date} (expired ${formatDistanceStrict(at, now, opts)} ago)`, tone: 'red' }
  const soon = at.getTime() - now.getTime() <= warnDays * 86_400_000
  return { text: `${date} (in ${formatDistanceStrict(at, countFrom(t.expires, now), opts)})`, tone: soon ? 'yellow' : undefined }
}

export function lastUsedCell(t: TokenRecord, now: Date): Cell {
  if (!t.lastUsed) return { text: 'never', tone: 'dim' }
  const at = new Date(t.lastUsed)
  // Recorded by this machine's clock, so a time ahead of now means the clock
  // was set back since; formatDistanceStrict would call it "3 days ago".
  if (at.getTime() > now.getTime()) return { text: 'in the future (clock skew?)', tone: 'yellow' }
  return { text: `${formatDistanceStrict(at, now)} ago` }
}

/** Only an active keychain token awaits a secret: the mark means nothing on another source. */
export const isAwaiting = (t: TokenRecord): boolean => !!t.awaitingSecret && t.source === 'keychain' && t.state === 'active'

/** A token given as git's username in a record saved before store replaced it (core/token-like-username.ts) is never shown. */
export const HIDDEN_USERNAME = '(a token: hidden)'
export const shownUsername = (t: TokenRecord): string => (t.username && looksLikeToken(t.username) ? HIDDEN_USERNAME : (t.username ?? ''))

/** The record as list --json and show --json print it: every field, but no token-like username. */
export const shownRecord = (t: TokenRecord): TokenRecord => (t.username === shownUsername(t) ? t : { ...t, username: shownUsername(t) })

export function stateCell(t: TokenRecord, now: Date): Cell {
  // A token recorded without its secret (import) says so where the state is.
  if (isAwaiting(t)) return { text: 'awaiting secret', tone: 'yellow' }
  const tone: Tone = t.state === 'active' ? undefined : t.state === 'rejected' ? 'red' : 'dim'
  let text: string = t.state ?? 'unknown' // a hand-edited record may lack it
  if (t.state === 'active' && isExpired(t, now)) return { text: 'expired', tone: 'red' }
  if (t.state === 'rejected' && t.rejected) text += ` ${t.rejected.at.slice(0, 10)} at ${t.rejected.url}`
  // erase kept it because the forge said it is valid.
  if (t.state === 'active' && t.denied) text += ` (${t.denied.url} refused it ${t.denied.at.slice(0, 10)}; the forge says the token is valid)`
  return { text, tone }
}
