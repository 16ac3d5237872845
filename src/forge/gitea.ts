// Gitea / Forgejo (Codeberg): GET /api/v1/user with `Authorization: token
// TOKEN` → the account ({id, login, …}); 401 for a token it does not accept
// (https://docs.gitea.com/development/api-usage#authentication, "Get the
// authenticated user"). Gitea says nothing of a token's expiry or scopes
// there. A scoped token without read:user is refused with 403 "token does
// not have at least one of required scope(s)", which it says only after
// accepting the token itself.
import type { HttpAnswer } from './http.js'
import type { ForgeReport } from './report.js'
import { json, otherStatus } from './answer.js'

/** The header that carries the token to Gitea. */
export const giteaHeaders = (secret: string): Record<string, string> => ({ Authorization: `token ${secret}` })

/** Gitea's answer for GET /api/v1/user. Pure. */
export function giteaReport(a: HttpAnswer, apiUrl: string): ForgeReport {
  const body = json(a.body) as Record<string, unknown> | null
  const desc = typeof body?.message === 'string' ? body.message : ''
  if (a.status === 200 && body && typeof body.login === 'string') {
    return {
      verdict: 'valid',
      active: true,
      login: body.login,
      apiUrl,
      message: `Gitea accepts the token (user ${body.login}); it does not say when it expires`,
    }
  }
  if (a.status === 401)
    return { verdict: 'invalid', active: false, apiUrl, message: 'Gitea does not accept the token (401 Unauthorized): it is wrong or deleted' }
  if (a.status === 403 && /required scope/i.test(desc)) {
    return { verdict: 'valid', active: true, apiUrl, message: 'Gitea accepts the token but its scopes do not let it read the account (403, no read:user)' }
  }
  return otherStatus('Gitea', a, apiUrl, desc)
}
