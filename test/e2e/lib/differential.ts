// Generators and state changes for test/e2e/daemon-differential.ts: token
// sets, requests and mutations as fast-check values, and the in-process
// moves that apply them to real state files (metadata, keychain, pending
// directory, the daemon's session tokens).
import fc from 'fast-check'
import { writeFileSync, renameSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { TokenRecord } from '../../../src/state/tokens.js'
import { serialize, updateMetadata } from '../../../src/state/tokens.js'
import { bindStore } from '../../../src/state/keychain-account.js'
import { writeSecret, dropSecret } from '../../../src/state/sources/index.js'
import { addPending } from '../../../src/state/pending.js'

export const HOSTS = ['git.example.com', 'other.example.com'] as const
export const USERS = ['oauth2', 'alice', 'bob'] as const
const SCOPES = ['', '/g/*', '/g/r', '/g/sub/*', 'http', ':8443'] as const
const PATHS = ['g/r', 'g/r.git', 'g/x.git', 'g/sub/y', 'h/z'] as const
const EXPIRIES = { none: null, far: 90 * 24, near: 72, hours: 12, expired: -48 } as const
type Expiry = keyof typeof EXPIRIES

export interface TokenSpec {
  host: number
  scope: number
  user: number
  source: 'keychain' | 'env' | 'file' | 'exec'
  expiry: Expiry
  state: 'active' | 'disabled' | 'rejected'
  bearer: boolean
  lastUsed: 'none' | 'fresh' | 'stale'
}

export interface RequestSpec {
  op: 'get' | 'store'
  protocol: 'https' | 'http' | 'ssh'
  host: number
  port: '' | ':443' | ':8443'
  path: number | null
  user: number | null
  authtype: boolean
  /** store: the secret of the token at this index, a new one, or the session's. */
  secret: number | 'new' | 'session'
  expiryUtc: boolean
  ephemeral: boolean
  refresh: boolean
  /** get the same first, as git did a moment before (fills the daemon's cache). */
  warm: boolean
}

export type Mutation =
  | { kind: 'disable' | 'enable' | 'rotate' | 'remove' | 'erase'; token: number }
  | { kind: 'edit'; token: number; expiry: Expiry; user: number | null; scope: number | null }
  | { kind: 'add'; spec: TokenSpec }
  | { kind: 'session'; host: number; scope: number; user: number }
  | { kind: 'pending'; request: RequestSpec; choice: 'none' | 'host' }

export type Step = { request: RequestSpec } | { mutation: Mutation }

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs)
const index = (n: number) => fc.nat({ max: n - 1 })

export const tokenSpec: fc.Arbitrary<TokenSpec> = fc.record({
  host: fc.constantFrom(0, 0, 0, 1),
  scope: index(SCOPES.length),
  user: index(USERS.length),
  source: fc.constantFrom('keychain', 'keychain', 'keychain', 'keychain', 'env', 'file', 'exec'),
  expiry: fc.constantFrom<Expiry>('none', 'far', 'far', 'near', 'hours', 'expired'),
  state: fc.constantFrom('active', 'active', 'active', 'active', 'disabled', 'rejected'),
  bearer: fc.constantFrom(false, false, false, false, false, true),
  lastUsed: pick(['none', 'fresh', 'stale'] as const),
})

export const requestSpec: fc.Arbitrary<RequestSpec> = fc.record({
  op: fc.constantFrom('get', 'get', 'get', 'get', 'get', 'get', 'store'),
  protocol: fc.constantFrom('https', 'https', 'https', 'https', 'http', 'ssh'),
  host: fc.constantFrom(0, 0, 0, 1),
  port: fc.constantFrom('', '', '', ':443', ':8443'),
  path: fc.option(index(PATHS.length), { freq: 3 }),
  user: fc.option(index(USERS.length), { freq: 2 }),
  authtype: fc.boolean(),
  secret: fc.oneof(
    { weight: 6, arbitrary: fc.nat({ max: 20 }) },
    { weight: 1, arbitrary: fc.constant<'new'>('new') },
    { weight: 1, arbitrary: fc.constant<'session'>('session') },
  ),
  expiryUtc: fc.boolean(),
  ephemeral: fc.constantFrom(false, false, false, false, false, true),
  refresh: fc.constantFrom(false, false, false, false, true),
  warm: fc.constantFrom(true, false, false),
})

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: pick(['disable', 'enable', 'rotate', 'remove', 'erase'] as const), token: fc.nat({ max: 20 }) }),
  fc.record({
    kind: fc.constant<'edit'>('edit'),
    token: fc.nat({ max: 20 }),
    expiry: pick(Object.keys(EXPIRIES) as Expiry[]),
    user: fc.option(index(USERS.length)),
    scope: fc.option(index(SCOPES.length)),
  }),
  fc.record({ kind: fc.constant<'add'>('add'), spec: tokenSpec }),
  fc.record({ kind: fc.constant<'session'>('session'), host: fc.constantFrom(0, 1), scope: index(SCOPES.length), user: index(USERS.length) }),
  fc.record({ kind: fc.constant<'pending'>('pending'), request: requestSpec, choice: pick(['none', 'host'] as const) }),
)

export const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ request: requestSpec }) },
  { weight: 1, arbitrary: fc.record({ mutation }) },
)

/** A scenario: the tokens to start with, then the steps. */
export const scenario = (steps: number) =>
  fc.record({ tokens: fc.array(tokenSpec, { minLength: 0, maxLength: 7 }), steps: fc.array(step, { minLength: steps, maxLength: steps }) })

const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString()
const scopeText = (host: number, scope: number) => {
  const s = SCOPES[scope]
  return s === 'http' ? `http://${HOSTS[host]}` : `${HOSTS[host]}${s}`
}

/** The world one scenario runs in: its home, and the secrets its tokens have (for requests that send them back). */
export class World {
  secrets = new Map<string, string>()
  session: { secret: string } | null = null
  private n = 0
  constructor(
    readonly home: string,
    readonly env: NodeJS.ProcessEnv,
    readonly tag: string,
  ) {}

  get metadata(): string {
    return join(this.home, 'tokens.json')
  }

  get pending(): string {
    return join(this.home, 'pending')
  }

  /** Empty state with a fresh store id; every secret of the last scenario is forgotten by the caller (new keychain service). */
  reset(id: string): void {
    mkdirSync(this.home, { recursive: true, mode: 0o700 })
    rmSync(this.pending, { recursive: true, force: true })
    rmSync(join(this.home, 'warned.json'), { force: true })
    writeFileSync(`${this.metadata}.tmp`, serialize({ version: 2, id, tokens: [] }))
    renameSync(`${this.metadata}.tmp`, this.metadata)
    bindStore(this.metadata, id)
    this.secrets.clear()
    this.session = null
  }

  newSecret(): string {
    return `glpat-${this.tag}-${++this.n}`
  }

  /** Where a token's secret lives, with its value put there. */
  private source(kind: TokenSpec['source'], name: string, secret: string): string {
    if (kind === 'env') {
      this.env[`DIFF_${name.replace(/-/g, '_')}`] = secret
      return `env:DIFF_${name.replace(/-/g, '_')}`
    }
    if (kind === 'file') {
      const file = join(this.home, `${name}.secret`)
      writeFileSync(file, secret + '\n', { mode: 0o600 })
      return `file:${file}`
    }
    if (kind === 'exec') return `exec:echo ${secret}`
    return 'keychain'
  }

  async add(spec: TokenSpec): Promise<void> {
    const name = `t${++this.n}`
    const secret = this.newSecret()
    const rec: TokenRecord = {
      name,
      scope: scopeText(spec.host, spec.scope),
      username: USERS[spec.user],
      provider: 'gitlab',
      expires: EXPIRIES[spec.expiry] === null ? null : hours(EXPIRIES[spec.expiry]!),
      access: 'read-write',
      created: new Date(Date.now() - this.n * 1000).toISOString(),
      state: spec.state,
      source: this.source(spec.source, name, secret),
      origin: 'add',
      ...(spec.bearer ? { auth: 'bearer' as const } : {}),
      ...(spec.lastUsed === 'none' ? {} : { lastUsed: new Date(Date.now() - (spec.lastUsed === 'fresh' ? 5_000 : 600_000)).toISOString() }),
    }
    await updateMetadata(this.metadata, async m => {
      await writeSecret(rec, secret)
      m.tokens.push(rec)
    })
    this.secrets.set(name, secret)
  }

  /** The token at i (modulo the count), or none. */
  async change(i: number, f: (t: TokenRecord, m: { tokens: TokenRecord[] }) => Promise<void> | void): Promise<TokenRecord | undefined> {
    return updateMetadata(this.metadata, async m => {
      if (!m.tokens.length) return undefined
      const t = m.tokens[i % m.tokens.length]
      await f(t, m)
      return t
    })
  }

  async rotate(t: TokenRecord): Promise<void> {
    const secret = this.newSecret()
    if (t.source.startsWith('exec:')) t.source = `exec:echo ${secret}`
    else if (t.source !== 'keychain') this.source(t.source.startsWith('env:') ? 'env' : 'file', t.name, secret)
    await writeSecret(t, secret)
    t.rotated = new Date().toISOString()
    t.state = 'active'
    delete t.rejected
    t.expires = hours(EXPIRIES.far)
    this.secrets.set(t.name, secret)
  }

  async remove(t: TokenRecord, m: { tokens: TokenRecord[] }): Promise<void> {
    await dropSecret(t)
    m.tokens.splice(m.tokens.indexOf(t), 1)
  }

  edit(t: TokenRecord, mu: Extract<Mutation, { kind: 'edit' }>): void {
    t.expires = EXPIRIES[mu.expiry] === null ? null : hours(EXPIRIES[mu.expiry]!)
    if (mu.user !== null) t.username = USERS[mu.user]
    if (mu.scope !== null) t.scope = scopeText(HOSTS.findIndex(h => t.scope.includes(h)) === 1 ? 1 : 0, mu.scope)
  }

  /** A typed answer waiting for git's verdict on exactly this request. */
  pendingFor(r: RequestSpec, choice: 'none' | 'host', secret: string): void {
    const host = `${HOSTS[r.host]}${r.port}`
    const now = new Date()
    addPending(
      this.pending,
      {
        created: now.toISOString(),
        protocol: r.protocol,
        host,
        path: r.path === null ? undefined : PATHS[r.path],
        username: r.user === null ? 'oauth2' : USERS[r.user],
        password: secret,
        choice,
        scope: choice === 'host' ? HOSTS[r.host] : undefined,
        expires: null,
        provider: 'gitlab',
        name: `typed-${this.n}`,
        url: `${r.protocol}://${host}`,
      },
      now,
    )
  }

  /** What git writes on the helper's stdin for a request. */
  input(r: RequestSpec, secrets: string[]): string {
    const lines = [`protocol=${r.protocol}`, `host=${HOSTS[r.host]}${r.port}`]
    if (r.path !== null) lines.push(`path=${PATHS[r.path]}`)
    if (r.authtype) lines.unshift('capability[]=authtype')
    const user = r.user === null ? undefined : USERS[r.user]
    if (r.op === 'store') {
      const secret =
        r.secret === 'new'
          ? this.newSecret()
          : r.secret === 'session'
            ? (this.session?.secret ?? 'none')
            : secrets.length
              ? secrets[r.secret % secrets.length]
              : 'none'
      lines.push(`username=${user ?? 'oauth2'}`, `password=${secret}`)
      if (r.expiryUtc) lines.push(`password_expiry_utc=${Math.floor(Date.now() / 1000) + 30 * 86400}`)
      if (r.ephemeral) lines.push('ephemeral=1')
      if (r.refresh) lines.push(`oauth_refresh_token=${this.newSecret()}`)
    } else if (user !== undefined) lines.push(`username=${user}`)
    return lines.join('\n') + '\n\n'
  }

  sessionScope(host: number, scope: number): string {
    return scopeText(host, scope)
  }
}
