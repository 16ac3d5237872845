// The loopback GitLab API's self-rotation (see forge-server.ts for what it
// answers and the GitLab documents it follows).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import type { ForgeOptions, ForgeRequest, ForgeToken } from './forge-server.js'

export const GITLAB_ROTATE = '/api/v4/personal_access_tokens/self/rotate'
const DAY = 86_400_000

export interface RotateRequest {
  req: IncomingMessage
  res: ServerResponse
  rec: ForgeRequest
  /** The token the request carried, if the table has it. */
  t: ForgeToken | undefined
  body: string
  table: Map<string, ForgeToken>
  opts: ForgeOptions
  send: (res: ServerResponse, rec: ForgeRequest, status: number, body: unknown, headers?: Record<string, string>) => void
}

/** Revoke a token and, when it was already rotated, every token that came from it (GitLab's family revocation). */
function revokeFamily(table: Map<string, ForgeToken>, opts: ForgeOptions, secret: string | undefined): void {
  for (let s = secret; s !== undefined; s = table.get(s)?.rotatedTo) {
    const e = table.get(s)
    if (!e || e.revoked) continue
    e.revoked = true
    opts.onRevoke?.(s)
  }
}

export function rotate({ req, res, rec, t, body, table, opts, send }: RotateRequest): void {
  const query = new URL(req.url ?? '/', 'http://x').searchParams
  const asked = query.get('expires_at') ?? new URLSearchParams(body).get('expires_at') ?? undefined
  rec.expiresAt = asked
  if (t?.hang) return
  if (!t) return send(res, rec, 401, { message: '401 Unauthorized' })
  if (t.revoked) {
    // Reuse of a rotated token: the whole family goes (GitLab #524639).
    if (t.rotatedTo) revokeFamily(table, opts, t.rotatedTo)
    const d = 'Token was revoked. You have to re-authorize from the user.'
    return send(res, rec, 401, { error: 'invalid_token', error_description: d })
  }
  if (t.expired) return send(res, rec, 401, { error: 'invalid_token', error_description: 'Token has expired.' })
  const scopes = t.scopes ?? ['read_repository', 'write_repository']
  if (!scopes.includes('api') && !scopes.includes('self_rotate')) return send(res, rec, 403, { message: '403 Forbidden' })
  const now = Date.now()
  const max = opts.maxLifetimeDays ?? 365
  const expires = asked ?? new Date(now + 7 * DAY).toISOString().slice(0, 10)
  const at = Date.parse(`${expires}T00:00:00Z`)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(expires) || !(at > now) || at > now + max * DAY) {
    return send(res, rec, 400, { message: `400 Bad request - Expiration date must be between today and ${max} days from now` })
  }
  if (t.dropRotate === 'before') return void req.socket.destroy()
  const fresh = `glpat-rotated-${randomBytes(10).toString('hex')}`
  table.set(fresh, { token: fresh, expiresAt: expires, scopes, login: t.login })
  t.revoked = true
  t.rotatedTo = fresh
  opts.onRevoke?.(rec.token!)
  opts.onRotate?.(rec.token!, fresh)
  if (t.dropRotate === 'after') return void req.socket.destroy()
  send(res, rec, 200, {
    id: 8,
    name: 'git-credential-pat test',
    revoked: false,
    created_at: new Date(now).toISOString(),
    description: '',
    scopes,
    user_id: 42,
    last_used_at: null,
    active: true,
    expires_at: expires,
    token: fresh,
  })
}
