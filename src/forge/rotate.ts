// `rotate NAME --api` (docs/git-credential-pat.md, "Rotation by the forge"): renew a GitLab/Heptapod token
// through GitLab's self-rotation endpoint, never risking the user's access:
// the keychain is proven writable before the forge is asked; the token is
// asked about first (GET …/self), so a revoked or already-rotated secret is
// never sent to the rotation endpoint (GitLab would revoke the whole token
// family, https://gitlab.com/gitlab-org/gitlab/-/issues/524639); a
// `started` mark is set under the metadata lock before the request, so two
// processes never rotate one token; an answer that is lost leaves the mark
// `unknown` and is never retried with the old secret (`check` settles it).
import { PatError } from '../errors.js'
import { day } from '../core/expiry.js'
import { findToken, readMetadata, updateMetadata, type RotationMark, type TokenRecord } from '../state/tokens.js'
import { statePaths } from '../state/paths.js'
import { readSecret } from '../state/sources/index.js'
import { probeKeychainWrite } from '../state/keychain-probe.js'
import { apiFor } from './api.js'
import { askForge } from './ask.js'
import { gitlabHeaders } from './gitlab.js'
import { networkReason } from './http.js'
import { httpPost, PostFailure } from './rotate-http.js'
import { rotateOutcome, type RotateOutcome } from './rotate-answer.js'
import { blockedBy, canSelfRotate, defaultExpiry, MAX_LIFETIME_DAYS, MIN_LIFETIME_DAYS, renewPage, vouched } from './rotate-plan.js'
import { saveRotated } from './rotate-save.js'
import { recordReport } from './record.js'
import { DEAD } from './report.js'
import { checkTimeoutMs } from './timeouts.js'
import { redactUrl, scrub } from './redact.js'

export interface ApiRotateOptions {
  name: string
  /** ISO expiry from --expires; undefined: the previous lifetime. */
  expires?: string | null
  /** Started by `get` (credential.pat.autoRotate). */
  auto?: boolean
  now: Date
  env: NodeJS.ProcessEnv
}

type Outcome = RotateOutcome | { kind: 'failed'; message: string }

/** Renew the token through its forge; the lines to print. Throws a PatError saying what happened and what to do. */
export async function rotateThroughForge(o: ApiRotateOptions): Promise<string> {
  const { now, env } = o
  const file = statePaths(env).metadata
  const t = findToken(readMetadata(file), o.name)
  refuseUnsupported(t)
  const blocked = blockedBy(t, now)
  if (blocked) throw new PatError('INPUT', blocked)
  if (o.expires === null) throw new PatError('USAGE', 'GitLab tokens always expire: give --expires a date (2027-01-31) or a duration (90d)')
  const plan = o.expires !== undefined ? { date: o.expires.slice(0, 10), days: 0, known: true } : defaultExpiry(t, now)
  const page = renewPage(t) ?? `the token page of ${t.scope}`

  await probeKeychainWrite(t.name, `'${t.name}' was not renewed (nothing was asked of the forge)`, file)
  const secret = await readSecret(t, env)
  const api = apiFor(t, env)
  if (!api) throw new PatError('INPUT', `cannot tell where the GitLab API of ${t.scope} is; set git config credential.<url>.patApiUrl`)
  const timeoutMs = checkTimeoutMs(env)
  const report = await askForge(t, secret, { env, timeoutMs, api, now })
  preflight(t, report, page, now)

  await mark(file, t.name, now, m => {
    const b = blockedBy(m, now)
    if (b) throw new PatError('INPUT', b)
    recordReport(m, report, now)
    return { at: now.toISOString(), result: 'started', expires: m.expires, auto: o.auto }
  })
  const rotateUrl = new URL(`${api.url}/rotate`)
  const outcome = await post(rotateUrl, secret, plan.date, timeoutMs, { name: t.name, page, apiUrl: redactUrl(rotateUrl.href), asked: plan.date })
  if (outcome.kind !== 'rotated') {
    const result = outcome.kind === 'refused' ? 'refused' : outcome.kind
    await mark(file, t.name, now, m => ({ at: now.toISOString(), result, expires: m.expires, auto: o.auto, note: outcome.message }))
    throw new PatError('INPUT', failureText(t, outcome, page))
  }
  const saved = await saveRotated(t.name, secret, { secret: outcome.secret, expires: outcome.expires, auto: o.auto }, now, env)
  const exp = saved.token.expires
  const lines = [`renewed '${t.name}' through GitLab: new secret saved, ${exp ? `expires ${day(exp)}` : 'no expiry'}; the old secret is revoked`]
  if (exp && day(exp) !== plan.date) lines.push(`GitLab granted ${day(exp)} (asked for ${plan.date})`)
  else if (o.expires === undefined && plan.known)
    lines.push(`asked for ${plan.days} days, its previous lifetime (kept within ${MIN_LIFETIME_DAYS}–${MAX_LIFETIME_DAYS}); --expires sets another`)
  else if (o.expires === undefined) lines.push(`its previous lifetime is unknown: asked for ${plan.days} days; --expires sets another`)
  for (const other of saved.also) lines.push(`'${other}' carried the same secret: renewed too`)
  return lines.join('\n') + '\n'
}

function refuseUnsupported(t: TokenRecord): void {
  if (t.provider !== 'gitlab') {
    const page = renewPage(t)
    throw new PatError(
      'INPUT',
      `${t.provider} has no API to renew a token; regenerate it on the forge${page ? ` (${page})` : ''}, then: git-credential-pat rotate ${t.name}`,
    )
  }
  if (t.source !== 'keychain') {
    throw new PatError(
      'SOURCE',
      `token '${t.name}' reads its secret from ${t.source.split(':')[0]}:…, which this tool cannot rewrite; renew it on the forge and there (rotate --api renews keychain tokens only)`,
    )
  }
}

/** Before anything is sent to the rotation endpoint: GitLab must vouch for the token (active, unexpired) and its scopes must allow it. */
function preflight(t: TokenRecord, r: Awaited<ReturnType<typeof askForge>>, page: string, now: Date): void {
  if (DEAD.includes(r.verdict)) {
    throw new PatError(
      'INPUT',
      `GitLab says '${t.name}' is ${r.verdict}, so it cannot renew itself (and a rotated one sent again would make GitLab revoke its successor); make a new token at ${page}, then: git-credential-pat rotate ${t.name}`,
    )
  }
  if (!vouched(r, now)) {
    throw new PatError('INPUT', `'${t.name}' was not renewed (GitLab did not vouch for it, so nothing was sent to renew it; nothing was changed): ${r.message}`)
  }
  if (canSelfRotate(r.scopes) === false) {
    throw new PatError(
      'INPUT',
      `'${t.name}' has the scopes ${r.scopes!.join(',') || '(none)'}: without api (or self_rotate, GitLab ≥ 17.9) it may not renew itself; renew it at ${page}, then: git-credential-pat rotate ${t.name}`,
    )
  }
}

async function post(url: URL, secret: string, date: string, timeoutMs: number, ctx: Parameters<typeof rotateOutcome>[1]): Promise<Outcome> {
  const headers = { 'User-Agent': 'git-credential-pat', Accept: 'application/json', ...gitlabHeaders(secret) }
  let outcome: Outcome
  try {
    outcome = rotateOutcome(await httpPost(url, headers, { expires_at: date }, timeoutMs), ctx)
  } catch (e) {
    const why = networkReason(e instanceof PostFailure ? e.cause : e, timeoutMs)
    outcome = e instanceof PostFailure && !e.sent ? { kind: 'failed', message: `cannot reach ${ctx.apiUrl}: ${why}` } : { kind: 'unknown', message: why }
  }
  if (outcome.kind !== 'rotated') outcome.message = scrub(outcome.message, secret)
  return outcome
}

function failureText(t: TokenRecord, o: Exclude<Outcome, { kind: 'rotated' }>, page: string): string {
  if (o.kind === 'unknown') {
    return (
      `no answer from GitLab after the rotation request for '${t.name}' was sent (${o.message}): it may have renewed the token and revoked this secret. ` +
      `It is not tried again with the old secret (GitLab would revoke the new token too); look at ${page.split('?')[0]}, then run: git-credential-pat check ${t.name}`
    )
  }
  return `'${t.name}' was not renewed: ${o.message}${o.kind === 'failed' ? '; nothing was changed' : ''}`
}

async function mark(file: string, name: string, now: Date, make: (t: TokenRecord) => RotationMark): Promise<void> {
  await updateMetadata(file, m => {
    const t = findToken(m, name)
    t.rotation = make(t)
  })
}
