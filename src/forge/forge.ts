// Asking the forge about a token: `check` (SPEC §6) and `erase` (SPEC §2).
//
// - GitLab / Heptapod: GET /api/v4/personal_access_tokens/self with the
//   PRIVATE-TOKEN header → expires_at, scopes, active, revoked
//   (https://docs.gitlab.com/api/personal_access_tokens/, "Get details on a
//   personal access token"; project and group access tokens are PATs of a bot
//   user and answer the same). A revoked or expired token gets 401 with
//   error=invalid_token and an error_description saying which
//   (https://docs.gitlab.com/api/rest/troubleshooting/). The username comes
//   from GET /api/v4/user (https://docs.gitlab.com/api/users/), when the
//   token's scopes allow it.
// - GitHub: GET /user (api.github.com, or HOST/api/v3 on Enterprise Server)
//   with `Authorization: Bearer` → `login`, the
//   GitHub-Authentication-Token-Expiration header (absent: no expiry) and,
//   for classic tokens, X-OAuth-Scopes
//   (https://docs.github.com/en/rest/users/users#get-the-authenticated-user,
//   https://github.blog/changelog/2021-07-26-expiration-options-for-personal-access-tokens/).
// - Others: the forge does not say.
//
// Redirects are never followed (the token would go with them), every request
// has a deadline, and no message ever holds the secret.
import type { IncomingHttpHeaders } from 'node:http'
import type { TokenRecord } from '../state/tokens.js'
import { parseScope, originOf } from '../core/scope.js'
import { configGetUrlmatch } from '../gitconfig/run.js'
import { setting } from '../gitconfig/settings.js'
import { parseDuration } from '../core/warn.js'
import { note } from '../log/log.js'

export type Verdict = 'valid' | 'revoked' | 'expired' | 'invalid' | 'unknown' | 'unreachable'
/** Verdicts that mean the token will not work again. */
export const DEAD: readonly Verdict[] = ['revoked', 'expired', 'invalid']

export interface ForgeReport {
  verdict: Verdict
  /** ISO expiry; null: the forge says it never expires; undefined: it did not say. */
  expires?: string | null
  scopes?: string[]
  active?: boolean
  revoked?: boolean
  /** The account the forge sees behind the token. */
  login?: string
  /** What was asked (never with the secret). */
  apiUrl?: string
  /** One line for people. */
  message: string
}

export interface ForgeApi {
  kind: 'gitlab' | 'github'
  /** The full URL asked (GitLab's …/personal_access_tokens/self, GitHub's …/user). */
  url: string
  /** GitLab: where to ask for the username. */
  userUrl?: string
}

export const CHECK_TIMEOUT_DEFAULT_MS = 10_000
export const ERASE_TIMEOUT_MS = 3_000

/** `check`: GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS, else git config credential.pat.checkTimeout (`10s`, `10`), else 10 s. */
export function checkTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS)
  if (Number.isFinite(n) && n > 0) return n
  return parseDuration(setting('credential.pat.checkTimeout', env)) || CHECK_TIMEOUT_DEFAULT_MS
}

/** `erase` runs inside git's failing command: at most 3 s (less if the env says so). */
export function eraseTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS)
  return Number.isFinite(n) && n > 0 ? Math.min(n, ERASE_TIMEOUT_MS) : ERASE_TIMEOUT_MS
}

export const hasTokenApi = (t: TokenRecord) => t.provider === 'gitlab' || t.provider === 'github'

/**
 * Where to ask about a token: from its scope's host (an http:// scope asks
 * over http), or `override` (git config credential.<url>.patApiUrl): the
 * GitLab instance URL (with or without /api/v4), or GitHub's API root
 * (https://api.github.com, https://HOST/api/v3).
 */
export function tokenApi(t: TokenRecord, override?: string): ForgeApi | null {
  if (!hasTokenApi(t)) return null
  let origin: string
  let host: string
  try {
    const s = parseScope(t.scope)
    origin = originOf(s)
    host = s.host
  } catch {
    return null
  }
  const base = (override?.trim() || '').replace(/\/+$/, '')
  if (t.provider === 'gitlab') {
    const api = base ? (/\/api\/v4$/.test(base) ? base : `${base}/api/v4`) : `${origin}/api/v4`
    return { kind: 'gitlab', url: `${api}/personal_access_tokens/self`, userUrl: `${api}/user` }
  }
  const root = base || (host === 'github.com' ? 'https://api.github.com' : `${origin}/api/v3`)
  return { kind: 'github', url: `${root}/user` }
}

/** tokenApi with the per-host override from git config (one git spawn). */
export function apiFor(t: TokenRecord, env: NodeJS.ProcessEnv = process.env): ForgeApi | null {
  if (!hasTokenApi(t)) return null
  let origin: string
  try {
    origin = originOf(parseScope(t.scope))
  } catch {
    return null
  }
  return tokenApi(t, configGetUrlmatch('credential.patApiUrl', origin, env))
}

export interface AskOptions {
  env?: NodeJS.ProcessEnv
  timeoutMs?: number
  /** Also ask for the username where that takes another request (check: yes; erase: no). */
  details?: boolean
  /** Where to ask; default apiFor(). null: the forge has no API we know. */
  api?: ForgeApi | null
  now?: Date
}

/** Ask the forge about one token. Never throws; network trouble is the `unreachable` verdict. */
export async function askForge(t: TokenRecord, secret: string, o: AskOptions = {}): Promise<ForgeReport> {
  const env = o.env ?? process.env
  let api: ForgeApi | null
  try {
    api = o.api !== undefined ? o.api : apiFor(t, env)
  } catch (e) {
    return { verdict: 'unknown', message: scrub(`cannot read git config: ${(e as Error).message}`, secret) }
  }
  if (!api) return { verdict: 'unknown', message: `the forge does not say (no token API for provider ${t.provider})` }
  let url: URL
  try {
    url = new URL(api.url)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)')
  } catch {
    return { verdict: 'unknown', message: `patApiUrl gives '${redactUrl(api.url)}', which is not an http(s) URL` }
  }
  if (/[\r\n\0]/.test(secret)) return { verdict: 'unknown', message: 'the secret holds a line break, so it cannot go in an HTTP header' }
  const apiUrl = redactUrl(url.href)
  const timeoutMs = o.timeoutMs ?? checkTimeoutMs(env)
  const headers: Record<string, string> = { 'User-Agent': 'git-credential-pat', Accept: 'application/json' }
  if (api.kind === 'gitlab') headers['PRIVATE-TOKEN'] = secret
  else {
    headers.Authorization = `Bearer ${secret}`
    headers.Accept = 'application/vnd.github+json'
    headers['X-GitHub-Api-Version'] = '2022-11-28'
  }
  let answer: HttpAnswer
  try {
    answer = await httpGet(url, headers, timeoutMs)
  } catch (e) {
    return { verdict: 'unreachable', apiUrl, message: scrub(`cannot ask ${apiUrl}: ${networkReason(e, timeoutMs)}`, secret) }
  }
  const now = o.now ?? new Date()
  const report = api.kind === 'gitlab' ? gitlabReport(answer, apiUrl) : githubReport(answer, apiUrl, t, now)
  if (api.kind === 'gitlab' && report.verdict === 'valid' && o.details && api.userUrl) {
    // The username needs read_user or api; without it GitLab says 403 and we do without.
    try {
      const u = await httpGet(new URL(api.userUrl), headers, timeoutMs)
      const body = json(u.body) as { username?: unknown } | null
      if (u.status === 200 && typeof body?.username === 'string') report.login = body.username
    } catch {
      // the token's own answer is what matters
    }
  }
  report.message = scrub(report.message, secret)
  if (report.login) report.login = scrub(report.login, secret)
  return report
}

export interface HttpAnswer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** GitLab's answer for …/personal_access_tokens/self. Pure. */
export function gitlabReport(a: HttpAnswer, apiUrl: string): ForgeReport {
  const body = json(a.body) as Record<string, unknown> | null
  if (a.status === 200 && body) {
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

function otherStatus(forge: string, a: HttpAnswer, apiUrl: string, desc: string): ForgeReport {
  const why = desc ? `: ${desc.slice(0, 200)}` : ''
  if (a.status >= 300 && a.status < 400) {
    return {
      verdict: 'unknown',
      apiUrl,
      message: `${apiUrl} redirects (${a.status}); not followed: set git config credential.<url>.patApiUrl to the API's own address`,
    }
  }
  if (a.status === 404) {
    return {
      verdict: 'unknown',
      apiUrl,
      message: `no ${forge} token API at ${apiUrl} (404); if the API lives elsewhere, set git config credential.<url>.patApiUrl`,
    }
  }
  if (a.status === 200) return { verdict: 'unknown', apiUrl, message: `${apiUrl} answered 200 but not with ${forge}'s JSON` }
  return { verdict: 'unknown', apiUrl, message: `${forge} answered ${a.status}${why}; try again later` }
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

/** What a report teaches the token record (not its state: check and erase decide that). */
export function recordReport(t: TokenRecord, r: ForgeReport, now: Date): void {
  const prev = t.checked
  const learned = r.verdict !== 'unknown' && r.verdict !== 'unreachable'
  t.checked = {
    at: now.toISOString(),
    result: r.verdict,
    active: r.active ?? (learned ? prev?.active : undefined),
    scopes: r.scopes ?? (learned ? prev?.scopes : undefined),
    login: r.login ?? prev?.login,
    note: r.message,
    apiUrl: r.apiUrl,
  }
  if (r.expires !== undefined) t.expires = r.expires
}

/**
 * The `erase` hook: whether the forge, asked within a few seconds, says the
 * token still works. What it learns is recorded on the token either way.
 */
export async function stillValid(t: TokenRecord, secret: string, env: NodeJS.ProcessEnv = process.env, now = new Date()): Promise<boolean> {
  if (!hasTokenApi(t)) return false
  const r = await askForge(t, secret, { env, timeoutMs: eraseTimeoutMs(env), now })
  recordReport(t, r, now)
  note({ forge: r.verdict, forgeSays: r.message }) // on erase's log line (SPEC §9)
  return r.verdict === 'valid'
}

/** GET with a deadline for the whole exchange; no redirects, at most 1 MiB of body. */
export async function httpGet(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  const target = new URL(url.href)
  target.username = ''
  target.password = ''
  const mod = target.protocol === 'http:' ? await import('node:http') : await import('node:https')
  return new Promise((resolve, reject) => {
    const req = mod.request(target, { method: 'GET', headers }, res => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        size += c.length
        if (size > 1 << 20) req.destroy(Object.assign(new Error('the answer is over 1 MiB'), { code: 'ETOOBIG' }))
        else chunks.push(c)
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' })), timeoutMs)
    timer.unref()
    req.on('error', reject)
    req.on('close', () => clearTimeout(timer))
    req.end()
  })
}

function networkReason(e: unknown, timeoutMs: number): string {
  const code = (e as NodeJS.ErrnoException)?.code ?? ''
  if (code === 'ETIMEOUT') return `no answer within ${timeoutMs / 1000} s (credential.pat.checkTimeout)`
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name not found'
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'the connection was cut'
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'network unreachable'
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return `TLS certificate not trusted (${code}); NODE_EXTRA_CA_CERTS can add a CA`
  if (code === 'ETOOBIG') return 'the answer is over 1 MiB'
  return code || ((e as Error)?.message ?? String(e)).split('\n')[0]
}

function headerText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}

function json(text: string): unknown {
  try {
    const v: unknown = JSON.parse(text)
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null
  } catch {
    return null
  }
}

const dateIso = (date: string) => `${date.slice(0, 10)}T00:00:00.000Z`

/** A URL for messages: no userinfo, no query. */
export function redactUrl(href: string): string {
  try {
    const u = new URL(href)
    u.username = ''
    u.password = ''
    u.search = ''
    return u.href
  } catch {
    return href.replace(/\/\/[^/@]*@/, '//').replace(/\?.*$/, '')
  }
}

/** Belt and braces: no message leaves with the secret in it. */
export function scrub(text: string, secret: string): string {
  return secret.length >= 4 ? text.split(secret).join('[redacted]') : text
}
