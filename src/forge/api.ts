// Where to ask about a token: GitLab (and Heptapod) and GitHub have an API
// that describes a token; Gitea/Forgejo one that says whether it is
// accepted; for the others the forge does not say.
import type { TokenRecord } from '../state/tokens.js'
import { parseScope, originOf } from '../core/scope.js'
import { configGetUrlmatch } from '../gitconfig/run.js'

export interface ForgeApi {
  kind: 'gitlab' | 'github' | 'gitea'
  /** The full URL asked (GitLab's …/personal_access_tokens/self, GitHub's …/user, Gitea's /api/v1/user). */
  url: string
  /** GitLab: where to ask for the username. */
  userUrl?: string
}

export const hasTokenApi = (t: Pick<TokenRecord, 'provider'>) => t.provider === 'gitlab' || t.provider === 'github' || t.provider === 'gitea'

/**
 * Where to ask about a token: from its scope's host (an http:// scope asks
 * over http), or `override` (git config credential.<url>.patApiUrl): the
 * GitLab instance URL (with or without /api/v4), GitHub's API root
 * (https://api.github.com, https://HOST/api/v3), or the Gitea instance URL
 * (with or without /api/v1).
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
  if (t.provider === 'gitea') {
    const api = base ? (/\/api\/v1$/.test(base) ? base : `${base}/api/v1`) : `${origin}/api/v1`
    return { kind: 'gitea', url: `${api}/user` }
  }
  const root = base || (host === 'github.com' ? 'https://api.github.com' : `${origin}/api/v3`)
  return { kind: 'github', url: `${root}/user` }
}

/** tokenApi with the per-host override from git config (one git spawn). */
export function apiFor(t: TokenRecord, env: NodeJS.ProcessEnv): ForgeApi | null {
  if (!hasTokenApi(t)) return null
  let origin: string
  try {
    origin = originOf(parseScope(t.scope))
  } catch {
    return null
  }
  return tokenApi(t, configGetUrlmatch('credential.patApiUrl', origin, env))
}
