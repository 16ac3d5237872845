// A loopback forge API for tests: answers the way GitLab's and GitHub's
// documented token endpoints do, from a table of tokens.
//
// GitLab (https://docs.gitlab.com/api/personal_access_tokens/):
//   GET /api/v4/personal_access_tokens/self  (PRIVATE-TOKEN or Authorization: Bearer)
//     200 {id, name, revoked, created_at, description, scopes, user_id, last_used_at, active, expires_at}
//     401 {"error":"invalid_token","error_description":"Token was revoked. You have to re-authorize from the user."}
//     401 {"error":"invalid_token","error_description":"Token has expired."}
//     401 {"message":"401 Unauthorized"} for a token it does not know
//   GET /api/v4/user → {id, username, …} (403 insufficient_scope without read_user)
//   POST /api/v4/personal_access_tokens/self/rotate[?expires_at=YYYY-MM-DD] (GitLab ≥ 16.10,
//   https://docs.gitlab.com/api/personal_access_tokens/#rotate-a-personal-access-token;
//   expires_at also as a form field)
//     200 the new token's JSON with `token`; the old token is revoked at once
//     400 {"message":"400 Bad request - …"} for an expires_at past the maximum lifetime (or in the past)
//     401 as above for an expired, revoked or unknown token; a token revoked by an
//         earlier rotation makes GitLab revoke the whole family, the new token
//         included (https://gitlab.com/gitlab-org/gitlab/-/issues/524639)
//     403 {"message":"403 Forbidden"} without the api or self_rotate scope
//     without expires_at: one week from today
// GitHub (https://docs.github.com/en/rest/users/users#get-the-authenticated-user):
//   GET /user and /api/v3/user (Enterprise), Authorization: Bearer|token
//     200 {login, id, …} + GitHub-Authentication-Token-Expiration: 2027-01-31 12:00:00 UTC
//         (absent when the token does not expire) + X-OAuth-Scopes for classic tokens
//     401 {"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}
// Gitea (https://docs.gitea.com/development/api-usage#authentication):
//   GET /api/v1/user, Authorization: token X (or Basic) → 200 {id, login, …}; no expiry
//     401 for a token it does not know; 403 "token does not have at least one of
//     required scope(s): [read:user]" for a token without read:user (noReadUser)
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { GITLAB_ROTATE, rotate } from './forge-rotate.js'

export interface ForgeToken {
  token: string
  /** GitLab: expires_at (YYYY-MM-DD) or null; GitHub: an ISO time, sent in GitHub's header format. Default null. */
  expiresAt?: string | null
  /** GitHub only: send this header value as is (e.g. with an offset). */
  githubExpirationHeader?: string
  scopes?: string[]
  /** GitLab username / GitHub login. */
  login?: string
  /** GitLab: 401 "Token was revoked"; GitHub: 401 Bad credentials. */
  revoked?: boolean
  /** GitLab: 401 "Token has expired."; GitHub: 401 Bad credentials. */
  expired?: boolean
  /** Never answer (the client's timeout must fire). */
  hang?: boolean
  /** GitLab: the token may not read /user (403 insufficient_scope); Gitea: no read:user (403). */
  noReadUser?: boolean
  /** GitLab rotate: drop the connection without answering, after rotating ('after') or before ('before'). */
  dropRotate?: 'after' | 'before'
  /** GitLab's …/self answers this instead (a proxy's 502, a login page, a redirect). */
  selfReply?: { status: number; body: string; headers?: Record<string, string> }
  /** Set by a rotation: the token that replaced this one. */
  rotatedTo?: string
}

export interface ForgeRequest {
  method: string
  path: string
  /** Which header carried the token: 'private-token', 'bearer', 'token' or null. */
  auth: 'private-token' | 'bearer' | 'token' | null
  token: string | null
  userAgent: string | null
  status: number
  /** GitLab rotate: the expires_at asked for (query or form body). */
  expiresAt?: string
}

export interface ForgeServer {
  readonly port: number
  /** `http://127.0.0.1:PORT` */
  readonly url: string
  readonly requests: ForgeRequest[]
  setToken(spec: ForgeToken): void
  removeToken(token: string): void
  /** The table's entry for a secret (rotations add and revoke entries). */
  token(secret: string): ForgeToken | undefined
  close(): Promise<void>
}

export interface ForgeOptions {
  /** GitLab's maximum token lifetime in days (default 365). */
  maxLifetimeDays?: number
  /** Told of every rotation (old secret, new secret), e.g. to update a git server's tokens. */
  onRotate?: (oldToken: string, newToken: string) => void
  /** Told of every token revoked by a rotation (the old one, or a family on reuse). */
  onRevoke?: (token: string) => void
  /** Speak only these forges' APIs (404 for the others' paths, as a real instance does); default all. */
  apis?: Array<'gitlab' | 'github' | 'gitea'>
}

/** Whose API a path belongs to. */
function apiOf(path: string): 'gitlab' | 'github' | 'gitea' | undefined {
  if (path.startsWith('/api/v4/')) return 'gitlab'
  if (path === '/user' || path === '/api/v3/user') return 'github'
  if (path.startsWith('/api/v1/')) return 'gitea'
  return undefined
}

const GITLAB_SELF = '/api/v4/personal_access_tokens/self'
const GITLAB_USER = '/api/v4/user'
const GITEA_USER = '/api/v1/user'

/** `2027-01-31T12:00:00.000Z` → `2027-01-31 12:00:00 UTC`, as GitHub writes it. */
export function githubExpiration(iso: string): string {
  return new Date(iso)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
}

export async function startForgeServer(tokens: ForgeToken[] = [], opts: ForgeOptions = {}): Promise<ForgeServer> {
  const table = new Map(tokens.map(t => [t.token, t]))
  const requests: ForgeRequest[] = []
  const sockets = new Set<Socket>()

  function send(res: ServerResponse, rec: ForgeRequest, status: number, body: unknown, headers: Record<string, string> = {}) {
    rec.status = status
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const privateToken = req.headers['private-token']
    const authz = /^(Bearer|token)\s+(.+)$/i.exec(req.headers.authorization ?? '')
    const rec: ForgeRequest = {
      method: req.method ?? 'GET',
      path,
      auth: typeof privateToken === 'string' ? 'private-token' : authz ? (authz[1].toLowerCase() as 'bearer' | 'token') : null,
      token: typeof privateToken === 'string' ? privateToken : authz ? authz[2] : null,
      userAgent: req.headers['user-agent'] ?? null,
      status: 0,
    }
    requests.push(rec)
    const api = apiOf(path)
    if (opts.apis && (!api || !opts.apis.includes(api))) {
      req.resume()
      return send(res, rec, 404, { message: 'Not Found' })
    }
    const t = rec.token === null ? undefined : table.get(rec.token)
    if (path === GITLAB_ROTATE && req.method === 'POST') {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => rotate({ req, res, rec, t, body: Buffer.concat(chunks).toString('utf8'), table, opts, send }))
      return
    }
    req.resume()
    if (t?.hang) return // the socket stays open until the client gives up or close()

    if (path === GITLAB_SELF || path === GITLAB_USER) {
      if (!t) return send(res, rec, 401, { message: '401 Unauthorized' })
      const bearer = (d: string) => ({ 'WWW-Authenticate': `Bearer realm="", error="invalid_token", error_description="${d}"` })
      if (t.revoked) {
        const d = 'Token was revoked. You have to re-authorize from the user.'
        return send(res, rec, 401, { error: 'invalid_token', error_description: d }, bearer(d))
      }
      if (t.expired) return send(res, rec, 401, { error: 'invalid_token', error_description: 'Token has expired.' }, bearer('Token has expired.'))
      if (t.selfReply && path === GITLAB_SELF) {
        rec.status = t.selfReply.status
        res.writeHead(t.selfReply.status, t.selfReply.headers ?? {})
        return void res.end(t.selfReply.body)
      }
      if (path === GITLAB_USER) {
        if (t.noReadUser) {
          return send(res, rec, 403, {
            error: 'insufficient_scope',
            error_description: 'The request requires higher privileges than provided by the access token.',
            scope: 'api read_api read_user',
          })
        }
        return send(res, rec, 200, { id: 42, username: t.login ?? 'someone', name: 'Some One', state: 'active' })
      }
      return send(res, rec, 200, {
        id: 7,
        name: 'git-credential-pat test',
        revoked: false,
        created_at: '2026-01-01T10:00:00.000Z',
        description: '',
        scopes: t.scopes ?? ['read_repository', 'write_repository'],
        user_id: 42,
        last_used_at: null,
        active: true,
        expires_at: t.expiresAt ? t.expiresAt.slice(0, 10) : null,
      })
    }

    if (path === '/user' || path === '/api/v3/user') {
      if (!t || t.revoked || t.expired) {
        return send(res, rec, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' })
      }
      const headers: Record<string, string> = {}
      if (t.githubExpirationHeader) headers['GitHub-Authentication-Token-Expiration'] = t.githubExpirationHeader
      else if (t.expiresAt) headers['GitHub-Authentication-Token-Expiration'] = githubExpiration(t.expiresAt)
      if (t.scopes) headers['X-OAuth-Scopes'] = t.scopes.join(', ')
      return send(res, rec, 200, { login: t.login ?? 'octocat', id: 1, type: 'User' }, headers)
    }
    if (path === GITEA_USER) return gitea(req, res, rec)
    send(res, rec, 404, { message: 'Not Found' })
  }

  /** Gitea's GET /api/v1/user: `Authorization: token X` (or Bearer, or Basic with the token as password). */
  function gitea(req: IncomingMessage, res: ServerResponse, rec: ForgeRequest) {
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '')
    const secret = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':').slice(1).join(':') : rec.token
    const t = secret ? table.get(secret) : undefined
    if (!t || t.revoked || t.expired) return send(res, rec, 401, { message: 'user does not exist [uid: 0, name: ]', url: 'https://gitea.example/api/swagger' })
    if (t.noReadUser) return send(res, rec, 403, { message: 'token does not have at least one of required scope(s): [read:user]', url: '' })
    send(res, rec, 200, { id: 3, login: t.login ?? 'gitea-user', full_name: '', email: 'someone@example.invalid', is_admin: false })
  }

  const server = http.createServer(handle)
  server.on('connection', s => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    setToken: spec => void table.set(spec.token, spec),
    removeToken: token => void table.delete(token),
    token: secret => table.get(secret),
    close: () =>
      new Promise<void>(resolve => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
