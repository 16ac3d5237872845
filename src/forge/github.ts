// GitHub: GET /user (api.github.com, or HOST/api/v3 on Enterprise Server)
// with `Authorization: Bearer` → `login`, the
// GitHub-Authentication-Token-Expiration header (absent: no expiry) and,
// for classic tokens, X-OAuth-Scopes
// (https://docs.github.com/en/rest/users/users#get-the-authenticated-user,
// https://github.blog/changelog/2021-07-26-expiration-options-for-personal-access-tokens/).
import type { TokenRecord } from '../state/tokens.js'
import type { HttpAnswer } from './http.js'
import type { ForgeReport } from './report.js'
import { headerText, json, otherStatus } from './answer.js'

/** The headers that carry the token to GitHub, and the API version asked for. */
export const githubHeaders = (secret: string): Record<string, string> => ({
  Authorization: `Bearer ${secret}`,
  Accept: 'application/vnd.github+json',
  'X-GitHub-Api-Version': '2022-11-28',
})

/** GitHub's answer for GET /user. Pure. */
export function githubReport(a: HttpAnswer, apiUrl: string, t: TokenRecord, now: Date): ForgeReport {
  const body = json(a.body) as Record<string, unknown> | null
  if (a.status === 200) {
    const login = typeof body?.login === 'string' ? body.login : undefined
    const header = headerText(a.headers['github-authentication-token-expiration'])
    let expires: string | null | undefined = null // no header: the token does not expire
    if (header !== undefined) expires = parseGitHubExpiration(header) ?? undefined
    const scopesHeader = headerText(a.headers['x-oauth-scopes'])
    const scopes =
      scopesHeader === undefined
        ? undefined
        : scopesHeader
            .split(',')
            .map(s => s.trim())
            .filter(Boolean)
    const when = expires
      ? `it expires ${expires.slice(0, 16).replace('T', ' ')} UTC`
      : expires === null
        ? 'it has no expiry'
        : `its expiry header '${header}' was not understood`
    return { verdict: 'valid', active: true, expires, scopes, login, apiUrl, message: `GitHub accepts the token${login ? ` (user ${login})` : ''}; ${when}` }
  }
  const desc = typeof body?.message === 'string' ? body.message : ''
  if (a.status === 401) {
    const expired = t.expires !== null && Date.parse(t.expires) <= now.getTime()
    return {
      verdict: expired ? 'expired' : 'invalid',
      active: false,
      apiUrl,
      message: `GitHub does not accept the token (401${desc ? ` ${desc}` : ''}): it is revoked, expired or wrong`,
    }
  }
  return otherStatus('GitHub', a, apiUrl, desc)
}

/** `2027-01-31 12:00:00 UTC` or `2027-01-31 12:00:00 +0100` (or +01:00) → ISO; null if neither. */
export function parseGitHubExpiration(text: string): string | null {
  const m = /^\s*(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})\s*(UTC|GMT|Z|[+-]\d{2}:?\d{2})\s*$/i.exec(text)
  if (!m) return null
  let zone = m[3].toUpperCase()
  if (zone === 'UTC' || zone === 'GMT') zone = 'Z'
  else if (zone !== 'Z' && !zone.includes(':')) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`
  const ms = Date.parse(`${m[1]}T${m[2]}${zone}`)
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}
