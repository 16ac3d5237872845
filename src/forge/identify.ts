// Which forge a host is, for `add` when neither --provider, git config nor
// the host's name says (docs/git-credential-pat.md, "add"): each token API we
// know is asked in turn, with the token, at the scope's own origin only (its
// protocol, host and port; redirects are never followed), all within one
// deadline. An answer in a forge's own words identifies it, a refusal
// included: a GitLab that refuses the token is still a GitLab. The words:
// GitLab https://docs.gitlab.com/api/personal_access_tokens/ and
// https://docs.gitlab.com/api/rest/troubleshooting/; Gitea's APIError
// {message, url} https://docs.gitea.com/development/api-usage; GitHub
// https://docs.github.com/en/rest/users/users#get-the-authenticated-user.
import type { TokenRecord } from '../state/tokens.js'
import type { ForgeReport } from './report.js'
import { httpGet, networkReason, type HttpAnswer } from './http.js'
import { json } from './answer.js'
import { gitlabHeaders, gitlabLogin, gitlabReport } from './gitlab.js'
import { giteaHeaders, giteaReport } from './gitea.js'
import { githubHeaders, githubReport } from './github.js'
import { redactUrl, scrub } from './redact.js'

export type ForgeKind = 'gitlab' | 'gitea' | 'github'

export const FORGE_NAMES: Record<ForgeKind, string> = { gitlab: 'GitLab', gitea: 'Gitea', github: 'GitHub' }

export type Identification =
  /** `path`: where its token API answered. */
  | { kind: ForgeKind; path: string; report: ForgeReport }
  /** No API we know answered (`unreachable`: the host could not be asked at all). */
  | { kind: null; message: string; unreachable: boolean }

interface Probe {
  kind: ForgeKind
  path: string
  headers: (secret: string) => Record<string, string>
  speaks: (status: number, body: Record<string, unknown> | null) => boolean
}

const str = (v: unknown): v is string => typeof v === 'string'

export const PROBES: readonly Probe[] = [
  {
    kind: 'gitlab',
    path: '/api/v4/personal_access_tokens/self',
    headers: gitlabHeaders,
    speaks: (s, b) =>
      (s === 200 && (typeof b?.active === 'boolean' || Array.isArray(b?.scopes))) ||
      (s === 401 && (b?.message === '401 Unauthorized' || b?.error === 'invalid_token')) ||
      (s === 403 && b?.error === 'insufficient_scope'),
  },
  {
    kind: 'gitea',
    path: '/api/v1/user',
    headers: giteaHeaders,
    speaks: (s, b) =>
      (s === 200 && str(b?.login) && typeof b?.id === 'number') ||
      ((s === 401 || s === 403) && str(b?.message) && str(b?.url) && (s === 401 || /required scope/i.test(b.message))),
  },
  ...['/api/v3/user', '/user'].map(path => ({
    kind: 'github' as const,
    path,
    headers: githubHeaders,
    speaks: (s: number, b: Record<string, unknown> | null) =>
      (s === 200 && str(b?.login) && typeof b?.id === 'number') || (s === 401 && b?.message === 'Bad credentials'),
  })),
]

export interface IdentifyOptions {
  timeoutMs: number
  now: Date
}

/** Ask `origin` which forge it is, with the token; never throws, and no message holds the secret. */
export async function identifyForge(t: TokenRecord, origin: string, secret: string, o: IdentifyOptions): Promise<Identification> {
  const end = Date.now() + o.timeoutMs
  for (const p of PROBES) {
    const url = new URL(p.path, origin)
    const headers = { 'User-Agent': 'git-credential-pat', Accept: 'application/json', ...p.headers(secret) }
    let a: HttpAnswer
    try {
      const left = end - Date.now()
      if (left <= 0) throw Object.assign(new Error('timeout'), { code: 'ETIMEOUT' })
      a = await httpGet(url, headers, left)
    } catch (e) {
      // One host: what stops one request stops them all.
      return { kind: null, unreachable: true, message: scrub(`cannot ask ${origin}: ${networkReason(e, o.timeoutMs)}`, secret) }
    }
    if (!p.speaks(a.status, json(a.body) as Record<string, unknown> | null)) continue
    const report = await reportOf(p, a, url, t, secret, end, o.now)
    report.message = scrub(report.message, secret)
    return { kind: p.kind, path: p.path, report }
  }
  return { kind: null, unreachable: false, message: `no GitLab, Gitea or GitHub API answered at ${origin}` }
}

async function reportOf(p: Probe, a: HttpAnswer, url: URL, t: TokenRecord, secret: string, end: number, now: Date): Promise<ForgeReport> {
  const apiUrl = redactUrl(url.href)
  if (p.kind === 'gitea') return giteaReport(a, apiUrl)
  if (p.kind === 'github') return githubReport(a, apiUrl, t, now)
  const report = gitlabReport(a, apiUrl)
  const left = end - Date.now()
  if (report.verdict !== 'valid' || left <= 0) return report
  // The username needs read_user or api; without it GitLab says 403 and we do without.
  try {
    const login = gitlabLogin(await httpGet(new URL('/api/v4/user', url), { 'User-Agent': 'git-credential-pat', ...gitlabHeaders(secret) }, left))
    if (login !== undefined) report.login = scrub(login, secret)
  } catch {
    // the token's own answer is what matters
  }
  return report
}
