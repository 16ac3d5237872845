// Reading GitLab's answer to POST /api/v4/personal_access_tokens/self/rotate
// (https://docs.gitlab.com/api/personal_access_tokens/#rotate-a-personal-access-token,
// GitLab ≥ 16.10): 200 with the new token's JSON (`token`, `expires_at`),
// the old one revoked at once; 400 when `expires_at` is past the instance's
// maximum lifetime; 401 for an expired, revoked or unknown token; 403 for a
// token without the `api` or `self_rotate` scope; 405 for a token that is
// not a personal, group or project access token. Pure.
import type { HttpAnswer } from './http.js'
import { json } from './answer.js'

export type RotateOutcome =
  | { kind: 'rotated'; secret: string; expires: string | null | undefined }
  /** The forge said no: nothing changed there. */
  | { kind: 'refused'; message: string }
  /** The forge may have rotated the token: the old secret may be revoked. */
  | { kind: 'unknown'; message: string }

export interface RotateContext {
  name: string
  /** Where the user renews the token by hand (the forge's token page). */
  page: string
  apiUrl: string
  /** The expiry asked for (YYYY-MM-DD). */
  asked?: string
}

export function rotateOutcome(a: HttpAnswer, c: RotateContext): RotateOutcome {
  const body = json(a.body) as Record<string, unknown> | null
  const desc = String(body?.message ?? body?.error_description ?? body?.error ?? '').slice(0, 200)
  const said = desc ? `: ${desc}` : ''
  const byHand = `renew it by hand at ${c.page}, then: git-credential-pat rotate ${c.name}`
  if (a.status === 200 || a.status === 201) {
    if (typeof body?.token === 'string' && body.token && !/[\r\n\0]/.test(body.token)) {
      const e = body.expires_at
      const expires = typeof e === 'string' && /^\d{4}-\d{2}-\d{2}/.test(e) ? `${e.slice(0, 10)}T00:00:00.000Z` : e === null ? null : undefined
      return { kind: 'rotated', secret: body.token, expires }
    }
    return { kind: 'unknown', message: `GitLab answered ${a.status} without a new token` }
  }
  if (a.status === 400) {
    const what = c.asked ? `the expiry ${c.asked}` : 'the rotation'
    return {
      kind: 'refused',
      message: `GitLab refused ${what} (400${said}); an instance caps token lifetimes (365 days unless its admin set less): pass a nearer one, e.g. --expires 30d`,
    }
  }
  if (a.status === 401) {
    return {
      kind: 'refused',
      message: `GitLab does not accept the token (401${said}): it is expired, revoked or already rotated, so it cannot renew itself; make a new one at ${c.page}, then: git-credential-pat rotate ${c.name}`,
    }
  }
  if (a.status === 403) {
    return {
      kind: 'refused',
      message: `the token may not renew itself (403${said}): GitLab needs the api scope, or self_rotate on GitLab ≥ 17.9; ${byHand}`,
    }
  }
  if (a.status === 404) return { kind: 'refused', message: `no self-rotation endpoint at ${c.apiUrl} (404; GitLab ≥ 16.10 has one); ${byHand}` }
  if (a.status === 405) return { kind: 'refused', message: `GitLab does not let this kind of token renew itself (405${said}); ${byHand}` }
  if (a.status >= 300 && a.status < 400) {
    return { kind: 'refused', message: `${c.apiUrl} redirects (${a.status}); not followed: set git config credential.<url>.patApiUrl to the API's own address` }
  }
  // A 5xx may come from a proxy after GitLab acted: the rotation may have happened.
  if (a.status >= 500) return { kind: 'unknown', message: `GitLab answered ${a.status}${said}` }
  return { kind: 'refused', message: `GitLab answered ${a.status}${said}; ${byHand}` }
}
