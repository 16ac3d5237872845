// GitLab / Heptapod: GET /api/v4/personal_access_tokens/self with the
// PRIVATE-TOKEN header → expires_at, scopes, active, revoked
// (https://docs.gitlab.com/api/personal_access_tokens/, "Get details on a
// personal access token"; project and group access tokens are PATs of a bot
// user and answer the same). A revoked or expired token gets 401 with
// error=invalid_token and an error_description saying which
// (https://docs.gitlab.com/api/rest/troubleshooting/). The username comes
// from GET /api/v4/user (https://docs.gitlab.com/api/users/), when the
// token's scopes allow it.
import type { HttpAnswer } from './http.js'
import type { ForgeReport } from './report.js'
import { json, otherStatus } from './answer.js'

/** The headers that carry the token to GitLab. */
export const gitlabHeaders = (secret: string): Record<string, string> => ({ 'PRIVATE-TOKEN': secret })

/** GitLab's answer for …/personal_access_tokens/self. Pure. */
export function gitlabReport(a: HttpAnswer, apiUrl: string): ForgeReport {
  const body = json(a.body) as Record<string, unknown> | null
  // Any JSON object is not enough (a proxy's or a portal's): the token's own fields must be there.
  if (a.status === 200 && body && (typeof body.active === 'boolean' || typeof body.revoked === 'boolean' || Array.isArray(body.scopes))) {
    const expiresAt = body.expires_at
    const expires = typeof expiresAt === 'string' && /^\d{4}-\d{2}-\d{2}/.test(expiresAt) ? dateIso(expiresAt) : expiresAt === null ? null : undefined
    const scopes = Array.isArray(body.scopes) ? body.scopes.filter((s): s is string => typeof s === 'string') : undefined
    const revoked = body.revoked === true
    const active = typeof body.active === 'boolean' ? body.active : !revoked
    const base = { expires, scopes, active, revoked, apiUrl }
    if (revoked) return { ...base, verdict: 'revoked', message: 'GitLab says the token was revoked' }
    // active is false for a token that is revoked or expired (the API docs).
    if (!active) return { ...base, verdict: 'expired', message: 'GitLab says the token is no longer active (expired)' }
    return {
      ...base,
      verdict: 'valid',
      message: `GitLab says the token is active; ${expires ? `it expires on ${expires.slice(0, 10)}` : expires === null ? 'it has no expiry date' : 'it did not give an expiry'}`,
    }
  }
  const desc = typeof body?.error_description === 'string' ? body.error_description : typeof body?.message === 'string' ? body.message : ''
  if (a.status === 401) {
    if (/revoked/i.test(desc)) return { verdict: 'revoked', active: false, revoked: true, apiUrl, message: 'GitLab says the token was revoked (401)' }
    if (/expired/i.test(desc)) return { verdict: 'expired', active: false, apiUrl, message: 'GitLab says the token has expired (401)' }
    return { verdict: 'invalid', active: false, apiUrl, message: 'GitLab does not accept the token (401 Unauthorized): it is wrong, revoked or deleted' }
  }
  // insufficient_scope comes only after the token itself was accepted.
  if (a.status === 403 && body?.error === 'insufficient_scope') {
    return { verdict: 'valid', active: true, apiUrl, message: 'GitLab accepts the token but its scopes do not let it describe itself (403 insufficient_scope)' }
  }
  return otherStatus('GitLab', a, apiUrl, desc)
}

/** GitLab's username for the token (GET /api/v4/user), from its answer. */
export function gitlabLogin(a: HttpAnswer): string | undefined {
  const body = json(a.body) as { username?: unknown } | null
  return a.status === 200 && typeof body?.username === 'string' ? body.username : undefined
}

const dateIso = (date: string) => `${date.slice(0, 10)}T00:00:00.000Z`
