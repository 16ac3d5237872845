// Asking the forge about a token: `check` and `erase`.
// GitLab, Heptapod and GitHub describe a token (gitlab.ts, github.ts), Gitea
// says whether it accepts it (gitea.ts); for others the forge does not say. Network trouble is a verdict, not an
// error, and no message ever holds the secret.
import type { TokenRecord } from '../state/tokens.js'
import type { ForgeReport } from './report.js'
import { apiFor, type ForgeApi } from './api.js'
import { httpGet, networkReason, type HttpAnswer } from './http.js'
import { gitlabHeaders, gitlabLogin, gitlabReport } from './gitlab.js'
import { githubHeaders, githubReport } from './github.js'
import { giteaHeaders, giteaReport } from './gitea.js'
import { checkTimeoutMs } from './timeouts.js'
import { redactUrl, scrub } from './redact.js'

export interface AskOptions {
  env: NodeJS.ProcessEnv
  timeoutMs?: number
  /** Also ask for the username where that takes another request (check: yes; erase: no). */
  details?: boolean
  /** Where to ask; default apiFor(). null: the forge has no API we know. */
  api?: ForgeApi | null
  now: Date
}

const HEADERS: Record<ForgeApi['kind'], (secret: string) => Record<string, string>> = { gitlab: gitlabHeaders, github: githubHeaders, gitea: giteaHeaders }

/** Ask the forge about one token. Never throws; network trouble is the `unreachable` verdict. */
export async function askForge(t: TokenRecord, secret: string, o: AskOptions): Promise<ForgeReport> {
  const env = o.env
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
  const headers: Record<string, string> = {
    'User-Agent': 'git-credential-pat',
    Accept: 'application/json',
    ...HEADERS[api.kind](secret),
  }
  let answer: HttpAnswer
  try {
    answer = await httpGet(url, headers, timeoutMs)
  } catch (e) {
    return { verdict: 'unreachable', apiUrl, message: scrub(`cannot ask ${apiUrl}: ${networkReason(e, timeoutMs)}`, secret) }
  }
  const now = o.now
  const report =
    api.kind === 'gitlab' ? gitlabReport(answer, apiUrl) : api.kind === 'gitea' ? giteaReport(answer, apiUrl) : githubReport(answer, apiUrl, t, now)
  if (api.kind === 'gitlab' && report.verdict === 'valid' && o.details && api.userUrl) {
    // The username needs read_user or api; without it GitLab says 403 and we do without.
    try {
      const login = gitlabLogin(await httpGet(new URL(api.userUrl), headers, timeoutMs))
      if (login !== undefined) report.login = login
    } catch {
      // the token's own answer is what matters
    }
  }
  report.message = scrub(report.message, secret)
  if (report.login) report.login = scrub(report.login, secret)
  return report
}
