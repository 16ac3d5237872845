// `get`'s decision (docs/git-credential-pat.md, "The git side", "Scopes"): the best usable token's answer, the
// notes about tokens passed over, the expiry warning, a session token, or
// the prompt; and what is still needed to decide. Inputs: core/answer.ts.
import { expiryUtc, formatCredential, passwordAnswer } from './protocol.js'
import { targetOf } from './scope.js'
import { candidates, type Candidate } from './select.js'
import { skippedNote } from './skipped.js'
import { nearExpiry, recordWarning, shouldWarn, warningText, type WarnState } from './warn.js'
import type { TokenRecord } from './model.js'
import { Notes, servesProtocol, type DecideInput, type SessionToken, type WarnInputs } from './answer.js'

export interface GetInput extends DecideInput {
  /** Asked for when the answer's token is near expiry: undefined while not read, null when it could not be. */
  warn?: WarnInputs | null
}

export type GetNeed =
  | { kind: 'secret'; token: TokenRecord }
  | { kind: 'refresh'; token: TokenRecord }
  | { kind: 'warn'; token: TokenRecord }
  | { kind: 'session' }
  /** Nothing usable and no session token: ask the user, if we may (the prompt). */
  | { kind: 'prompt'; found: Candidate[] }

export interface GetOutcome {
  /** git's answer (protocol lines), '' for none. */
  out: string
  /** stderr lines, without the program's prefix, in order. */
  notes: string[]
  /** The token answered with, or the session token. */
  token?: TokenRecord
  session?: SessionToken
  /** The expiry-warning state to write (the warning is among the notes). */
  warned?: WarnState
  /** Hand the answer's token to credential.pat.autoRotate, which warns or renews it. */
  autoRotate?: TokenRecord
  need?: GetNeed
}

export function decideGet(i: GetInput): GetOutcome {
  const notes = new Notes()
  const target = servesProtocol(i.cred) ? targetOf(i.cred) : null
  if (!target || !target.protocol || !target.host) return { out: '', notes: notes.lines }
  const found = candidates(i.tokens, target, i.now)
  for (const c of found) {
    if (c.unusable) {
      notes.add(skippedNote(c))
      continue
    }
    const a = answerWith(c.token, i, notes)
    if (a === null) continue
    if (typeof a !== 'string') return { out: '', notes: notes.lines, need: a }
    return withWarning({ out: a, notes: notes.lines, token: c.token }, i, notes)
  }
  // A "this session only" token the daemon holds, before asking again.
  if (i.session === undefined) return { out: '', notes: notes.lines, need: { kind: 'session' } }
  if (i.session) return { out: sessionLines(i.session), notes: notes.lines, session: i.session }
  return { out: '', notes: notes.lines, need: { kind: 'prompt', found } }
}

/** The protocol lines for one token, null if it cannot be used here, or what is needed to tell. */
function answerWith(t: TokenRecord, i: GetInput, notes: Notes): string | null | GetNeed {
  // A credential git stored with an authtype can only go back to a git that
  // understands authtype (git ≥ 2.46 advertises capability[]=authtype).
  const canAuthtype = i.cred.capability.includes('authtype')
  const authtype = t.authtype ?? (t.auth === 'bearer' ? 'Bearer' : undefined)
  if (t.authtype && !canAuthtype) return null
  const looked = i.secrets.secret(t)
  if (looked === undefined) return { kind: 'secret', token: t }
  if ('error' in looked) {
    notes.add(looked.error)
    return null
  }
  if (authtype && canAuthtype) {
    return formatCredential([
      ['capability[]', 'authtype'],
      ['authtype', authtype],
      ['credential', looked.secret],
      ['password_expiry_utc', expiryUtc(t)],
    ])
  }
  if (!t.hasRefreshToken) return passwordAnswer(t, looked.secret)
  const refresh = i.secrets.refresh(t)
  if (refresh === undefined) return { kind: 'refresh', token: t }
  return passwordAnswer(t, looked.secret, refresh ?? undefined)
}

/** The expiry warning, or a renewal by credential.pat.autoRotate; config and state only when near. */
function withWarning(o: GetOutcome, i: GetInput, notes: Notes): GetOutcome {
  const t = o.token!
  if (!nearExpiry(t, i.now) || i.warn === null) return o
  if (i.warn === undefined) return { out: '', notes: notes.lines, need: { kind: 'warn', token: t } }
  if (i.warn.autoRotate) return { ...o, autoRotate: t }
  if (!shouldWarn(t, i.now, i.warn.cfg, i.warn.state[t.name])) return o
  notes.add(warningText(t, i.now))
  return { ...o, notes: notes.lines, warned: recordWarning(i.warn.state, t, i.now) }
}

function sessionLines(s: SessionToken): string {
  return formatCredential([
    ['username', s.username],
    ['password', s.secret],
    ['password_expiry_utc', s.expiresAt ? Math.floor(s.expiresAt.getTime() / 1000) : undefined],
  ])
}
